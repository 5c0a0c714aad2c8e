// CostPanel ("Cost: SSM vs attention"): why SSMs scale. The analytic FLOPs and bytes of both
// layers for the session's sizes over L = 64 .. 65536 on log-log axes, with the fitted slopes
// (≈1 for the SSM, ≈2 for full attention) and the session's L marked; the memory each layer
// keeps after step t (the SSM's constant state vs the KV cache growing with t) with the
// cursor; and the backend's measured times for this session.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compute/session/session.h"
#include "viz/panels/panel.h"

namespace seqscope::viz {

// Least-squares slope of log10 y against log10 x over the points with x >= x_min and x, y > 0;
// NaN when fewer than two such points (or all share one x).
double loglog_slope(std::span<const double> x, std::span<const double> y, double x_min);

// The analytic curves (compute/session/cost_model.h) for the session's D, N, H, dh at L = 64, 128, ...,
// 65536 (powers of two).
struct CostCurves {
  std::vector<double> L, ssm_flops, attention_flops, ssm_bytes, attention_bytes;
};
CostCurves cost_curves(const compute::Session& session);
// Where the slopes are fitted: the asymptotic regime, away from the constant terms.
inline constexpr double k_slope_fit_min_length = 1024.0;

// A decimal unit for a byte axis so that max_bytes / divisor < 1000: B, kB, MB, GB.
struct ByteUnit {
  double divisor = 1.0;
  const char* name = "B";
};
ByteUnit byte_unit(double max_bytes);

class CostPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::Cost; }
  void draw(PanelContext& context) override;

 private:
  // The tab drawn last frame (view.cost_tab when all views fit); nullopt before the first.
  std::optional<compute::CostTab> shown_tab_;
};

}  // namespace seqscope::viz
