#version 450
// FMA peak of the device for `seqscope bench --backend vulkan`: 8 independent chains of vec4
// fused multiply-adds per invocation (32 FMAs in flight), iterations from the host. The chains'
// sum decides a store the compiler cannot rule out (it never happens: every chain stays
// positive), so nothing is optimized away and the sink stays one vec4. 2 flops per FMA lane.

layout(local_size_x_id = 0) in;

layout(std430, binding = 0) writeonly buffer Sink { vec4 sink[]; };  // sink: [1]

layout(push_constant) uniform Push {
  int iterations;
  float multiplier;  // 0.999999: known only at run time, so no chain folds to a constant
  float addend;
};

void main() {
  const vec4 m = vec4(multiplier), c = vec4(addend);
  vec4 a[8];
  for (int k = 0; k < 8; ++k) a[k] = vec4(float(gl_GlobalInvocationID.x) * 1e-9 + float(k));
  for (int i = 0; i < iterations; ++i) {
    a[0] = fma(a[0], m, c);
    a[1] = fma(a[1], m, c);
    a[2] = fma(a[2], m, c);
    a[3] = fma(a[3], m, c);
    a[4] = fma(a[4], m, c);
    a[5] = fma(a[5], m, c);
    a[6] = fma(a[6], m, c);
    a[7] = fma(a[7], m, c);
  }
  const vec4 sum = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
  if (dot(sum, vec4(1.0)) == 0.0) sink[0] = sum;
}
