// ShmPresenter: one XImage in a System V shared memory segment, attached to the server once per
// size; present = copy rows into it, XShmPutImage, XSync.
#include "app/shm_presenter.h"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XShm.h>
#include <sys/ipc.h>
#include <sys/shm.h>

#include <cstring>

namespace seqscope::app {
namespace {

// XShmAttach fails asynchronously (BadAccess on a remote display); this handler records it.
bool g_attach_failed = false;
int record_attach_error(Display*, XErrorEvent*) {
  g_attach_failed = true;
  return 0;
}

}  // namespace

struct ShmPresenter::State {
  Display* display = nullptr;
  ::Window window = 0;
  Visual* visual = nullptr;
  int depth = 0;
  GC gc = nullptr;
  XImage* image = nullptr;
  XShmSegmentInfo segment{};
  uint32_t width = 0, height = 0;

  void release_image() {
    if (!image) return;
    XShmDetach(display, &segment);
    XSync(display, False);
    XDestroyImage(image);  // frees the XImage struct; data points into the segment
    shmdt(segment.shmaddr);
    image = nullptr;
    segment = {};
    width = height = 0;
  }
};

ShmPresenter::ShmPresenter(std::unique_ptr<State> state) : state_(std::move(state)) {}

ShmPresenter::~ShmPresenter() {
  state_->release_image();
  XFreeGC(state_->display, state_->gc);
}

std::unique_ptr<ShmPresenter> ShmPresenter::create(void* x11_display, unsigned long x11_window,
                                                   std::string* reason) {
  auto* display = static_cast<Display*>(x11_display);
  if (!display || !x11_window) {
    *reason = "not an X11 window";
    return nullptr;
  }
  if (!XShmQueryExtension(display)) {
    *reason = "the X server has no MIT-SHM";
    return nullptr;
  }
  XWindowAttributes attributes{};
  if (!XGetWindowAttributes(display, x11_window, &attributes)) {
    *reason = "cannot read the window's attributes";
    return nullptr;
  }
  const Visual* visual = attributes.visual;
  if (attributes.depth < 24 || visual->red_mask != 0xff0000 || visual->green_mask != 0x00ff00 ||
      visual->blue_mask != 0x0000ff) {
    *reason = "the window's visual is not 24-bit RGB";
    return nullptr;
  }
  auto state = std::make_unique<State>();
  state->display = display;
  state->window = x11_window;
  state->visual = attributes.visual;
  state->depth = attributes.depth;
  state->gc = XCreateGC(display, x11_window, 0, nullptr);
  std::unique_ptr<ShmPresenter> presenter(new ShmPresenter(std::move(state)));
  if (!presenter->resize(64, 64, reason)) return nullptr;  // proves a segment attaches
  return presenter;
}

bool ShmPresenter::resize(uint32_t width, uint32_t height, std::string* reason) {
  State& s = *state_;
  if (s.image && s.width == width && s.height == height) return true;
  s.release_image();
  XImage* image = XShmCreateImage(s.display, s.visual, static_cast<unsigned>(s.depth), ZPixmap, nullptr,
                                  &s.segment, width, height);
  if (!image) {
    *reason = "XShmCreateImage failed";
    return false;
  }
  if (image->bits_per_pixel != 32 || image->byte_order != LSBFirst) {
    *reason = "the server's pixels are not 32-bit little-endian";
    XDestroyImage(image);
    return false;
  }
  const size_t bytes = static_cast<size_t>(image->bytes_per_line) * height;
  s.segment.shmid = shmget(IPC_PRIVATE, bytes, IPC_CREAT | 0600);
  if (s.segment.shmid < 0) {
    *reason = "cannot create a shared memory segment of " + std::to_string(bytes) + " bytes";
    XDestroyImage(image);
    return false;
  }
  void* address = shmat(s.segment.shmid, nullptr, 0);
  shmctl(s.segment.shmid, IPC_RMID, nullptr);  // freed once every side has detached
  if (address == reinterpret_cast<void*>(-1)) {
    *reason = "cannot map a shared memory segment of " + std::to_string(bytes) + " bytes";
    XDestroyImage(image);
    s.segment = {};
    return false;
  }
  s.segment.shmaddr = image->data = static_cast<char*>(address);
  s.segment.readOnly = False;
  XSync(s.display, False);
  g_attach_failed = false;
  auto* previous = XSetErrorHandler(&record_attach_error);
  const bool attached = XShmAttach(s.display, &s.segment) && (XSync(s.display, False), !g_attach_failed);
  XSetErrorHandler(previous);
  if (!attached) {
    *reason = "the X server cannot attach shared memory (a remote display?)";
    shmdt(address);
    image->data = nullptr;
    XDestroyImage(image);
    s.segment = {};
    return false;
  }
  s.image = image;
  s.width = width;
  s.height = height;
  return true;
}

bool ShmPresenter::present(const uint8_t* bgra, uint32_t width, uint32_t height, std::string* reason) {
  if (!resize(width, height, reason)) return false;
  State& s = *state_;
  const size_t row_bytes = size_t{width} * 4;
  for (uint32_t y = 0; y < height; ++y)
    std::memcpy(s.image->data + static_cast<size_t>(y) * s.image->bytes_per_line, bgra + y * row_bytes, row_bytes);
  XShmPutImage(s.display, s.window, s.gc, s.image, 0, 0, 0, 0, width, height, False);
  XSync(s.display, False);
  return true;
}

}  // namespace seqscope::app
