// Task inputs of the version 1 generators, captured before version 2 (commit cea7641: make_inputs
// of a task session with these sizes and seed, built from that commit's compute/session/). Each
// entry holds an FNV-1a hash over every step's (token, target, role) as 8-byte little-endian
// values (fnv_of_steps in test_tasks.cpp); the short ones also hold the tokens and targets.
// test_tasks.cpp checks that a version 1 file gives exactly these inputs: "induction" through its
// migration to mqar, selective_copy and delayed_recall unchanged, and copy's documented change.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

namespace seqscope::compute::v1_capture {

struct Capture {
  std::string_view task;  // the version 1 name
  int length, vocab, num_tokens, lag;
  uint64_t seed;
  uint64_t hash;
  std::vector<int> tokens;   // empty for the long ones
  std::vector<int> targets;
};

// clang-format off
inline const std::vector<Capture> kCaptures = {
    {"induction", 12, 16, 3, 8, 0ull, 0xaa94b7ea3a1f904full, {4,14,9,9,13,5,0,0,0,0,0,9}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,9}},
    {"induction", 24, 16, 3, 8, 0ull, 0x15e3569292a594efull, {4,14,9,9,13,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,9}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,9}},
    {"induction", 7, 7, 3, 8, 0ull, 0xe5e265a70e72d676ull, {4,5,6,6,5,5,6}, {-1,-1,-1,-1,-1,-1,6}},
    {"induction", 40, 10, 6, 8, 0ull, 0xaaa8265d6b08f2a3ull, {4,8,8,7,7,6,5,7,9,6,6,8,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,9}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,6}},
    {"induction", 256, 16, 4, 8, 0ull, 0x3c71af3d0a4a5d59ull},
    {"induction", 1000, 300, 200, 8, 0ull, 0x0e691611b2f5307full},
    {"selective_copy", 256, 16, 4, 8, 0ull, 0xdcd1e3cc4b73af33ull},
    {"selective_copy", 96, 16, 4, 8, 0ull, 0xe4114896808eb043ull},
    {"selective_copy", 20, 30, 10, 8, 0ull, 0xcb281f27cc771ae3ull},
    {"delayed_recall", 128, 16, 4, 4, 0ull, 0x8e67dfb791fb7126ull},
    {"delayed_recall", 64, 12, 4, 12, 0ull, 0xe6cb956bdd9cc93dull},
    {"copy", 20, 16, 4, 8, 0ull, 0x16cad0d565f128a0ull, {1,4,11,5,14,0,0,0,0,0,0,0,0,0,0,2,3,3,3,3}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,4,11,5,14}},
    {"induction", 12, 16, 3, 8, 1ull, 0x7631f47e8f0aac12ull, {9,5,14,10,15,12,0,0,0,0,0,14}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,10}},
    {"induction", 24, 16, 3, 8, 1ull, 0x4fdc280ee3e43632ull, {9,5,14,10,15,12,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,14}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,10}},
    {"induction", 7, 7, 3, 8, 1ull, 0x2a466bf1334e11f7ull, {6,5,4,4,5,6,4}, {-1,-1,-1,-1,-1,-1,4}},
    {"induction", 40, 10, 6, 8, 1ull, 0xe213e6e27864c961ull, {9,5,5,6,4,7,8,8,7,8,6,9,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,8}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,8}},
    {"induction", 256, 16, 4, 8, 1ull, 0xc412a54feba92819ull},
    {"induction", 1000, 300, 200, 8, 1ull, 0x44976978654264eeull},
    {"selective_copy", 256, 16, 4, 8, 1ull, 0xa6176ddead0f6993ull},
    {"selective_copy", 96, 16, 4, 8, 1ull, 0x27b9c966affee223ull},
    {"selective_copy", 20, 30, 10, 8, 1ull, 0xe6958ab43a793cc3ull},
    {"delayed_recall", 128, 16, 4, 4, 1ull, 0x56e9ba825c13ed80ull},
    {"delayed_recall", 64, 12, 4, 12, 1ull, 0xb19c3f0f4704a5bfull},
    {"copy", 20, 16, 4, 8, 1ull, 0x39dd4aa208b47d60ull, {1,9,7,11,5,0,0,0,0,0,0,0,0,0,0,2,3,3,3,3}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,9,7,11,5}},
    {"induction", 12, 16, 3, 8, 7ull, 0x2133de172e52aa06ull, {15,12,11,10,6,14,0,0,0,0,0,11}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,10}},
    {"induction", 24, 16, 3, 8, 7ull, 0xc563e7843cd64aa6ull, {15,12,11,10,6,14,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,11}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,10}},
    {"induction", 7, 7, 3, 8, 7ull, 0x6a307a450af1d056ull, {6,6,5,4,4,5,5}, {-1,-1,-1,-1,-1,-1,4}},
    {"induction", 40, 10, 6, 8, 7ull, 0xabf93ab8773e672cull, {9,8,6,5,5,5,4,6,8,8,7,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,8}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,8}},
    {"induction", 256, 16, 4, 8, 7ull, 0x5e0555690e522d95ull},
    {"induction", 1000, 300, 200, 8, 7ull, 0xf46e0422e3517711ull},
    {"selective_copy", 256, 16, 4, 8, 7ull, 0x4f22806b30f265f3ull},
    {"selective_copy", 96, 16, 4, 8, 7ull, 0xa152a33a4eccd933ull},
    {"selective_copy", 20, 30, 10, 8, 7ull, 0x04ca8300a693e8c3ull},
    {"delayed_recall", 128, 16, 4, 4, 7ull, 0x6514ed7cd49fcf5dull},
    {"delayed_recall", 64, 12, 4, 12, 7ull, 0x078b0d86d1bf3ff1ull},
    {"copy", 20, 16, 4, 8, 7ull, 0xed20f907af188860ull, {1,15,6,12,12,0,0,0,0,0,0,0,0,0,0,2,3,3,3,3}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,15,6,12,12}},
    {"induction", 12, 16, 3, 8, 42ull, 0x49d7a2fb034ef847ull, {12,13,8,11,4,15,0,0,0,0,0,8}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,11}},
    {"induction", 24, 16, 3, 8, 42ull, 0x7d25a10b46835867ull, {12,13,8,11,4,15,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,8}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,11}},
    {"induction", 7, 7, 3, 8, 42ull, 0x9f961b5373e91197ull, {6,4,5,5,4,6,5}, {-1,-1,-1,-1,-1,-1,5}},
    {"induction", 40, 10, 6, 8, 42ull, 0xa61dc664d6847902ull, {6,8,5,6,8,7,7,9,9,9,4,8,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,8}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,7}},
    {"induction", 256, 16, 4, 8, 42ull, 0xb909d0838ce1def7ull},
    {"induction", 1000, 300, 200, 8, 42ull, 0xe61111f1abc8c02eull},
    {"selective_copy", 256, 16, 4, 8, 42ull, 0xb9c2b32405d6d6b3ull},
    {"selective_copy", 96, 16, 4, 8, 42ull, 0x08798e319caa0c13ull},
    {"selective_copy", 20, 30, 10, 8, 42ull, 0xb709ec2d0f99cf23ull},
    {"delayed_recall", 128, 16, 4, 4, 42ull, 0xeb0f1b04de9a5483ull},
    {"delayed_recall", 64, 12, 4, 12, 42ull, 0x178091615458e693ull},
    {"copy", 20, 16, 4, 8, 42ull, 0x94d708addeb729c0ull, {1,12,8,14,13,0,0,0,0,0,0,0,0,0,0,2,3,3,3,3}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,12,8,14,13}},
    {"induction", 12, 16, 3, 8, 12345678901234567ull, 0xfce2f2510855d143ull, {8,7,4,9,14,15,0,0,0,0,0,4}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,9}},
    {"induction", 24, 16, 3, 8, 12345678901234567ull, 0x19a8fd37bca66b63ull, {8,7,4,9,14,15,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,4}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,9}},
    {"induction", 7, 7, 3, 8, 12345678901234567ull, 0x755af7d12c9d6376ull, {5,4,4,6,6,6,4}, {-1,-1,-1,-1,-1,-1,6}},
    {"induction", 40, 10, 6, 8, 12345678901234567ull, 0x3322eebbde69168full, {8,5,5,4,6,6,7,7,9,4,4,7,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,7}},
    {"induction", 256, 16, 4, 8, 12345678901234567ull, 0x4c4b20f234f3e8e4ull},
    {"induction", 1000, 300, 200, 8, 12345678901234567ull, 0x3ba7564bdabff2c9ull},
    {"selective_copy", 256, 16, 4, 8, 12345678901234567ull, 0x27b986700576b033ull},
    {"selective_copy", 96, 16, 4, 8, 12345678901234567ull, 0x02ebeef8beb02763ull},
    {"selective_copy", 20, 30, 10, 8, 12345678901234567ull, 0x0e5971bf1192c103ull},
    {"delayed_recall", 128, 16, 4, 4, 12345678901234567ull, 0xb52ebd340790b649ull},
    {"delayed_recall", 64, 12, 4, 12, 12345678901234567ull, 0xb01b6c83110e5a83ull},
    {"copy", 20, 16, 4, 8, 12345678901234567ull, 0xf77a5a2d717ed260ull, {1,8,6,8,7,0,0,0,0,0,0,0,0,0,0,2,3,3,3,3}, {-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,-1,8,6,8,7}},
};
// clang-format on

}  // namespace seqscope::compute::v1_capture
