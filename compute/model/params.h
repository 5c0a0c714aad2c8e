// A model's parameters: typed per block kind for the math (model.h), and visited as an ordered
// list of named tensors with their safetensors names and shapes for files and optimizers
// (for_each_tensor). The names are those of issue 17 and state-spaces' Mamba (i = layer):
//   backbone.embedding.weight [V, d]        backbone.layers.{i}.norm.weight [d]
//   backbone.layers.{i}.mixer.*             per block kind (docs/training.md, "The model")
//   backbone.norm_f.weight [d]
// The head is tied to the embedding: it has no tensor of its own. Gradients are a Parameters
// of the same shapes (zeros_like).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "compute/model/config.h"
#include "compute/model/op_types.h"

namespace seqscope::compute::model {

// `M`: mamba_simple.Mamba (no in/out bias, conv bias); di = expand * d, R = dt_rank, N = d_state.
template <typename T>
struct MambaMixer {
  Mat<T> in_proj;    // [2 di, d]: rows 0..di-1 make x, di..2di-1 make z
  Mat<T> conv_w;     // [di, d_conv] (stored as [di, 1, d_conv])
  Vec<T> conv_b;     // [di]
  Mat<T> x_proj;     // [R + 2N, di]: rows make (dt [R], B [N], C [N])
  Mat<T> dt_proj_w;  // [di, R]
  Vec<T> dt_proj_b;  // [di]: the scan's delta_bias
  Mat<T> A_log;      // [di, N]
  Vec<T> D;          // [di]
  Mat<T> out_proj;   // [d, di]
};

// `S`: the same block with delta, B and C input-independent.
template <typename T>
struct S4Mixer {
  Mat<T> in_proj;   // [2 di, d]
  Mat<T> conv_w;    // [di, d_conv]
  Vec<T> conv_b;    // [di]
  Vec<T> log_dt;    // [di]: delta = exp(log_dt)
  Mat<T> A_log;     // [di, N]
  Mat<T> B;         // [di, N]
  Mat<T> C;         // [di, N]
  Vec<T> D;         // [di]
  Mat<T> out_proj;  // [d, di]
};

// `*`: each [d, d], no bias; head h is output rows h dh .. (h+1) dh - 1.
template <typename T>
struct AttentionMixer {
  Mat<T> q_proj, k_proj, v_proj, o_proj;
};

// `-`: down_proj(gelu(up_proj(x))).
template <typename T>
struct MlpMixer {
  Mat<T> up_proj;    // [d_ff, d]
  Mat<T> down_proj;  // [d, d_ff]
};

// One layer: its pre-norm and the mixer of its kind (the other three stay empty).
template <typename T>
struct Layer {
  char kind = 'M';
  Vec<T> norm;  // [d]
  MambaMixer<T> mamba;
  S4Mixer<T> s4;
  AttentionMixer<T> attention;
  MlpMixer<T> mlp;
};

template <typename T>
struct Parameters {
  ModelConfig config;  // resolved and validated
  Mat<T> embedding;    // [V, d], also the head
  std::vector<Layer<T>> layers;
  Vec<T> norm_f;  // [d]
};

// One tensor of the ordered list: its name, its shape as stored (conv1d.weight is [di, 1, k]).
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  int64_t count() const;
};

// Every tensor of a model in the stable order of the files: the embedding, then layer by
// layer (norm, then the mixer's tensors in the order of the structs above), then norm_f.
std::vector<TensorSpec> parameter_specs(const ModelConfig& config);
int64_t parameter_count(const ModelConfig& config);

// Calls f(spec, data) for every tensor in parameter_specs' order, where data points at the
// tensor's count() contiguous elements (T* or const T*). Throws std::invalid_argument when a
// tensor's size does not match its spec.
template <typename T, typename F>
void for_each_tensor(Parameters<T>& params, F&& f);
template <typename T, typename F>
void for_each_tensor(const Parameters<T>& params, F&& f);

// All tensors sized as the config says and zero (gradients, optimizer moments).
template <typename T>
Parameters<T> zero_parameters(const ModelConfig& config);
template <typename T>
Parameters<T> zeros_like(const Parameters<T>& params) {
  return zero_parameters<T>(params.config);
}

// The same parameters in another scalar type.
template <typename To, typename From>
Parameters<To> cast_parameters(const Parameters<From>& params);

// Initialisation as the references do it (docs/training.md, "The model"), deterministic across
// platforms for a seed: each tensor draws from its own ParamRng stream named after it. The
// config is resolved and validated first (UserError on a bad one).
Parameters<float> init_parameters(const ModelConfig& config, uint64_t seed);

// The templates above, inline.

namespace detail {
// The pointers to a layer's tensors, in spec order.
template <typename L, typename V>
void visit_layer(L& layer, V&& v) {
  v(layer.norm);
  switch (layer.kind) {
    case 'M':
      v(layer.mamba.in_proj), v(layer.mamba.conv_w), v(layer.mamba.conv_b), v(layer.mamba.x_proj);
      v(layer.mamba.dt_proj_w), v(layer.mamba.dt_proj_b), v(layer.mamba.A_log), v(layer.mamba.D);
      v(layer.mamba.out_proj);
      break;
    case 'S':
      v(layer.s4.in_proj), v(layer.s4.conv_w), v(layer.s4.conv_b), v(layer.s4.log_dt), v(layer.s4.A_log);
      v(layer.s4.B), v(layer.s4.C), v(layer.s4.D), v(layer.s4.out_proj);
      break;
    case '*':
      v(layer.attention.q_proj), v(layer.attention.k_proj), v(layer.attention.v_proj),
          v(layer.attention.o_proj);
      break;
    default:
      v(layer.mlp.up_proj), v(layer.mlp.down_proj);
      break;
  }
}
void check_tensor_size(const TensorSpec& spec, int64_t size);

template <typename P, typename F>
void for_each_tensor_impl(P& params, F&& f) {
  const std::vector<TensorSpec> specs = parameter_specs(params.config);
  size_t k = 0;
  auto visit = [&](auto& tensor) {
    const TensorSpec& spec = specs.at(k++);
    check_tensor_size(spec, static_cast<int64_t>(tensor.size()));
    f(spec, tensor.data());
  };
  visit(params.embedding);
  for (auto& layer : params.layers) visit_layer(layer, visit);
  visit(params.norm_f);
  if (k != specs.size()) throw std::invalid_argument("for_each_tensor: the layers do not match the pattern");
}
}  // namespace detail

template <typename T, typename F>
void for_each_tensor(Parameters<T>& params, F&& f) {
  detail::for_each_tensor_impl(params, f);
}
template <typename T, typename F>
void for_each_tensor(const Parameters<T>& params, F&& f) {
  detail::for_each_tensor_impl(params, f);
}

template <typename To, typename From>
Parameters<To> cast_parameters(const Parameters<From>& params) {
  Parameters<To> out = zero_parameters<To>(params.config);
  std::vector<const From*> sources;
  for_each_tensor(params, [&](const TensorSpec&, const From* data) { sources.push_back(data); });
  size_t k = 0;
  for_each_tensor(out, [&](const TensorSpec& spec, To* data) {
    const From* src = sources[k++];
    for (int64_t i = 0; i < spec.count(); ++i) data[i] = static_cast<To>(src[i]);
  });
  return out;
}

}  // namespace seqscope::compute::model
