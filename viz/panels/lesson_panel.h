// LessonPanel: the guided lesson beside the dashboard: the title, "Step k / n" with a progress
// bar, the step's text, Back / Next, the lesson's claim with its check computed live from the
// Results on screen (compute/lessons/lesson_claims.h), and, for grid inputs, the scan-order distance
// plot (4-neighbour pairs vs their distance in the sequence). Not a registered result panel:
// it needs the lesson and the step, which the app keeps.
#pragma once
#include <string>

#include "compute/lessons/lesson_claims.h"
#include "compute/lessons/lessons.h"
#include "viz/panels/panel_context.h"

namespace seqscope::viz {

enum class LessonAction { None, Back, Next, Close };

class LessonPanel {
 public:
  // Fills the current region. `generation` changes whenever the Results do (claim checks and
  // distances are cached on it); `session_matches` says the Results are of the step's own session.
  LessonAction draw(const compute::Lesson& lesson, int step, PanelContext& context, int generation,
                    bool session_matches);

 private:
  void draw_claim(const compute::Lesson& lesson, int step, const compute::Results& results, int generation,
                  bool session_matches);
  void draw_scan_distances(const compute::Results& results, int generation, bool emphasized);

  int claim_generation_ = -1;
  std::string claim_lesson_;
  compute::ClaimResult claim_;
  int distance_generation_ = -1;
  compute::NeighbourDistances current_, row_major_, snake_, hilbert_;
};

// Colour of the outline around emphasized panels.
inline constexpr unsigned int k_emphasis_color = 0xFF30C8FFu;  // ImGui ABGR: amber

}  // namespace seqscope::viz
