#version 450
// Chunked diagonal scan, pass 2 of 3: scan of the chunk aggregates. One invocation per
// (mode, direction) walks the chunks in order: the state entering chunk c+1 is
// prod_c * carry_c + h_end_c. Sequential over chunks only (L / T steps), never across
// workgroups, so no invocation waits on another.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Agg { vec4 agg[]; };      // agg: [dirs, chunks, D, N]
layout(std430, binding = 1) writeonly buffer Carry { vec2 carry[]; };  // carry: [dirs, chunks, D, N]

layout(push_constant) uniform Push {
  int modes;  // D * N
  int num_chunks;
};

void main() {
  const int mode = int(gl_GlobalInvocationID.x);
  const int dir = int(gl_GlobalInvocationID.y);
  if (mode >= modes) return;
  vec2 state = vec2(0.0);
  for (int c = 0; c < num_chunks; ++c) {
    const int idx = (dir * num_chunks + c) * modes + mode;
    carry[idx] = state;
    const vec4 g = agg[idx];
    state = vec2(g.x * state.x - g.y * state.y, g.x * state.y + g.y * state.x) + g.zw;
  }
}
