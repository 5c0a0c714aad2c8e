#version 450
// The lag head's output: out_t = v_{src(t)}, src(t) = t - lag (t itself while t < lag), an
// exact copy. One invocation per (head, t, column).
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer V { float v[]; };        // v: [H, L, dh]
layout(std430, binding = 1) writeonly buffer Out { float out_[]; };  // out: [H, L, dh]

layout(push_constant) uniform Push {
  int H;
  int L;
  int dh;
  int lag;
};

void main() {
  const int id = int(gl_GlobalInvocationID.x);
  if (id >= H * L * dh) return;
  const int j = id % dh;
  const int t = (id / dh) % L;
  const int h = id / (dh * L);
  const int src = t >= lag ? t - lag : t;
  out_[id] = v[(h * L + src) * dh + j];
}
