// OutputsPanel ("Outputs"): what the two layers produce for one channel d over t, stacked on one
// time axis with the cursor: the input u[t, d], the SSM output y_ssm[t, d] (and y_gated when
// the block is gated), and the attention output for that channel, with the values at t in the
// legends. Clicking a plot moves the cursor.
#pragma once
#include <string>
#include <vector>

#include "compute/backend/results.h"
#include "viz/panels/panel.h"

namespace seqscope::viz {

// The column of the attention output [H, L, dh] that channel d stands for: the heads
// concatenated as before an output projection, [L, H*dh], column d = head d / dh, dimension
// d % dh. Channels past H*dh wrap around (d mod H*dh) and say so.
struct AttentionColumn {
  int head = 0, dim = 0;
  bool wrapped = false;
};
AttentionColumn attention_column(int d, int heads, int head_dim);

// Column d of a [L, D] matrix, as floats over t. Empty when d is out of range.
std::vector<float> matrix_column(const compute::Matrix& m, int d);
// out[head, :, dim] over t.
std::vector<float> attention_output(const compute::AttentionResults& a, AttentionColumn column);

// "Outputs · channel d = 3 · t = 17 · attention: column d of concat(heads) = head 1, dim 3".
std::string outputs_header(int d, int t, int heads, int head_dim);

class OutputsPanel : public Panel {
 public:
  PanelId id() const override { return PanelId::Outputs; }
  void draw(PanelContext& context) override;
};

}  // namespace seqscope::viz
