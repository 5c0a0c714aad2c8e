// Inputs: the sequence u [L, D] that both models read, built from a Session's input section
// (a signal, a token task, text bytes or a grid in a scan order), plus what panels and tests
// need to label it.
#pragma once
#include <string>
#include <vector>

#include "compute/session/session.h"
#include "compute/session/tasks.h"  // TokenRole; a task input is make_task_sample's sample
#include "core/types.h"

namespace seqscope::compute {

struct Inputs {
  Matrix u;                          // u: [L, D]
  std::vector<int> tokens;           // [L] token ids (bytes for text, symbols for tasks); empty for signals/grids
  std::vector<TokenRole> roles;      // [L]
  std::vector<std::string> labels;   // [L] short display text per position
  std::vector<int> targets;          // [L] expected output token at t, -1 where none (tasks)
  std::vector<int> predicted;        // [L] a trained model's argmax at t (-1: none); the strip marks it at targets
  std::vector<float> signal;         // [L] scalar signal before the per-channel gains (signals, grids)
  std::vector<int> scan_order;       // [L] grid: flat cell index (frame*H*W + y*W + x) visited at step t
  int vocab = 0;                     // symbols in use (256 for text)
  // Real checkpoints (compute/checkpoint/adapter.h): where each token lies in the text, for
  // aligning two tokenizers, and what a token is, for the strip's header. Empty otherwise.
  std::vector<int> text_offsets;     // [L + 1] byte offset of token t in the UTF-8 text; [L] = its size
  std::string source;                // the model that read these tokens, e.g. "mamba-130m-hf"
  std::string token_kind;            // e.g. "tokens (byte-level BPE, vocab 50280)", "UTF-8 bytes (no tokenizer.json)"
  int length() const { return static_cast<int>(u.rows()); }
};

// Builds the inputs of a validated session; deterministic for a given seed.
Inputs make_inputs(const Session& session);

}  // namespace seqscope::compute
