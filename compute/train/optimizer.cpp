// AdamW, the schedule and clipping (optimizer.h).
#include "compute/train/optimizer.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace seqscope::compute::train {

AdamW::AdamW(const std::vector<size_t>& sizes, AdamWSettings settings) : settings_(settings) {
  for (size_t size : sizes) {
    m_.emplace_back(size, 0.0f);
    v_.emplace_back(size, 0.0f);
  }
}

void AdamW::step(std::span<const ParamSlot> slots, double lr) {
  if (slots.size() != m_.size()) throw std::invalid_argument("AdamW::step: wrong number of parameter tensors");
  ++t_;
  const double b1 = settings_.beta1, b2 = settings_.beta2;
  const double correction1 = 1.0 - std::pow(b1, static_cast<double>(t_));
  const double correction2 = 1.0 - std::pow(b2, static_cast<double>(t_));
  const float step_size = static_cast<float>(lr / correction1);
  const float inv_sqrt_correction2 = static_cast<float>(1.0 / std::sqrt(correction2));
  const float decay_factor = static_cast<float>(1.0 - lr * settings_.weight_decay);
  for (size_t i = 0; i < slots.size(); ++i) {
    const ParamSlot& slot = slots[i];
    std::vector<float>& m = m_[i];
    std::vector<float>& v = v_[i];
    if (slot.values.size() != m.size() || slot.grads.size() != m.size())
      throw std::invalid_argument("AdamW::step: a parameter tensor changed size");
    for (size_t k = 0; k < m.size(); ++k) {
      const float g = slot.grads[k];
      float& p = slot.values[k];
      if (slot.decay) p *= decay_factor;
      m[k] = static_cast<float>(b1) * m[k] + static_cast<float>(1.0 - b1) * g;
      v[k] = static_cast<float>(b2) * v[k] + static_cast<float>(1.0 - b2) * g * g;
      p -= step_size * m[k] / (std::sqrt(v[k]) * inv_sqrt_correction2 + static_cast<float>(settings_.eps));
    }
  }
}

double learning_rate(int64_t step, int64_t steps, int64_t warmup, double lr, double min_ratio) {
  if (warmup > 0 && step < warmup) return lr * static_cast<double>(step + 1) / static_cast<double>(warmup);
  const int64_t decay_steps = steps - warmup - 1;
  if (decay_steps <= 0) return lr;
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / static_cast<double>(decay_steps));
  const double min_lr = min_ratio * lr;
  return min_lr + 0.5 * (lr - min_lr) * (1.0 + std::cos(std::numbers::pi * progress));
}

double global_norm(std::span<const std::span<float>> grads) {
  double sum = 0.0;
  for (const std::span<float>& g : grads)
    for (float x : g) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

double clip_to_norm(std::span<const std::span<float>> grads, double max_norm) {
  const double norm = global_norm(grads);
  if (!(norm > max_norm) || !std::isfinite(norm)) return norm;
  const float scale = static_cast<float>(max_norm / norm);
  for (const std::span<float>& g : grads)
    for (float& x : g) x *= scale;
  return norm;
}

}  // namespace seqscope::compute::train
