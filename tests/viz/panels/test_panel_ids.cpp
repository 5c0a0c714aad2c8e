// The one table of panels (viz/panels/panel_id.h) against what uses it: make_panels() builds
// one panel per entry in table order, names and titles come from it, and docs/dashboard.md's
// numbered list has each panel at its number with its export name.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "viz/panels/panel.h"
#include "viz/panels/panel_id.h"

namespace seqscope::viz {
namespace {

TEST(PanelIds, MakePanelsFollowsTheTable) {
  const auto panels = make_panels();
  ASSERT_EQ(panels.size(), k_panels.size());
  for (size_t i = 0; i < panels.size(); ++i) {
    EXPECT_EQ(panels[i]->id(), k_panels[i].id) << i;
    EXPECT_STREQ(panels[i]->name(), k_panels[i].name);
    EXPECT_STREQ(panels[i]->title(), k_panels[i].title);
  }
}

TEST(PanelIds, NamesAndNumbersAreUniqueAndFoundByName) {
  std::set<std::string> names;
  std::set<int> numbers;
  for (const PanelInfo& panel : k_panels) {
    EXPECT_TRUE(names.insert(panel.name).second) << panel.name;
    EXPECT_TRUE(numbers.insert(panel.docs_number).second) << panel.name;
    EXPECT_EQ(panel_from_name(panel.name), panel.id);
    EXPECT_STREQ(panel_info(panel.id).name, panel.name);
  }
  EXPECT_FALSE(panel_from_name("ssm"));
  EXPECT_FALSE(panel_from_name(""));
}

TEST(PanelIds, DocsDashboardNumbersEachPanelWithItsName) {
  std::ifstream file(std::string(SEQSCOPE_DOCS_DIR) + "/dashboard.md");
  ASSERT_TRUE(file) << "docs/dashboard.md";
  std::stringstream text;
  text << file.rdbuf();
  const std::string docs = text.str();
  for (const PanelInfo& panel : k_panels) {
    // "3. **SSM state** (`ssm_state`)" at the start of a line.
    const std::regex item("(^|\\n)" + std::to_string(panel.docs_number) + "\\. \\*\\*[^*]+\\*\\* \\(`" +
                          std::string(panel.name) + "`\\)");
    EXPECT_TRUE(std::regex_search(docs, item)) << panel.name << " is not item " << panel.docs_number;
  }
}

}  // namespace
}  // namespace seqscope::viz
