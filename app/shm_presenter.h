// ShmPresenter: shows frames rendered on a CPU Vulkan device (lavapipe) in an X11 window through
// the MIT-SHM extension: the X server copies the frame out of a shared memory segment.
//
// Why: Mesa 22.3's software WSI (Debian 12) presents with a plain PutImage, so every frame goes
// through the X socket (6.4 MB at 1600x1000): about 19 ms of a 30 ms frame on 2 cores
// (docs/rendering.md). Through shared memory the same frame costs one copy.
//
// X11's headers stay in the .cpp (they define Window, None, Status...): the display and the
// window are passed as the opaque values GLFW returns.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace seqscope::app {

class ShmPresenter {
 public:
  // Null, with the reason, when the display has no MIT-SHM, cannot attach a segment (a remote
  // display) or the window's visual is not 32-bit BGRX, the layout of a B8G8R8A8 frame.
  static std::unique_ptr<ShmPresenter> create(void* x11_display, unsigned long x11_window, std::string* reason);
  ~ShmPresenter();
  ShmPresenter(const ShmPresenter&) = delete;
  ShmPresenter& operator=(const ShmPresenter&) = delete;

  // Copies a width x height B8G8R8A8 frame (rows of width*4 bytes) into the window and waits
  // until the server has read it, so the next frame may reuse the segment. False (with the
  // reason) when a segment of that size cannot be made.
  bool present(const uint8_t* bgra, uint32_t width, uint32_t height, std::string* reason);

 private:
  struct State;
  explicit ShmPresenter(std::unique_ptr<State> state);
  bool resize(uint32_t width, uint32_t height, std::string* reason);
  std::unique_ptr<State> state_;
};

}  // namespace seqscope::app
