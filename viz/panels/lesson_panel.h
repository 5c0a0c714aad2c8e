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
  // `evaluated`: the claim's evaluations of trained models (lesson_evals.h), null while they run.
  LessonAction draw(const compute::Lesson& lesson, int step, PanelContext& context, int generation,
                    bool session_matches, const compute::ClaimResult* evaluated = nullptr);

 private:
  void draw_claim(const compute::Lesson& lesson, int step, const compute::Results& results, int generation,
                  bool session_matches, const compute::ClaimResult* evaluated);
  void draw_scan_distances(const compute::Results& results, int generation, bool emphasized);

  int claim_generation_ = -1;
  std::string claim_lesson_;
  int claim_step_ = -1;
  compute::ClaimResult claim_;
  int distance_generation_ = -1;
  compute::NeighbourDistances current_, row_major_, snake_, hilbert_;
};

// Colour of the outline around emphasized panels.
inline constexpr unsigned int k_emphasis_color = 0xFF30C8FFu;  // ImGui ABGR: amber

}  // namespace seqscope::viz
