// Real checkpoints on the command line: the --model/--text/--tokens/--layer flags, the
// `tokenize` subcommand, and `seqscope export --model DIR ... --tensors OUT`.
#pragma once
#include <CLI/CLI.hpp>

#include "app/cli.h"

namespace seqscope::app {

// Adds --model, --model2, --text, --tokens, --layer to a command (the GUI or export).
void add_model_flags(CLI::App& cli, Options& options);
// Adds the `tokenize` subcommand (--tokenizer FILE.json --text STR).
CLI::App* add_tokenize_command(CLI::App& cli, Options& options);

// `seqscope tokenize`: prints the ids separated by commas.
int run_tokenize(const Options& options);
// `seqscope export --model DIR`: tokens.npy, logits.npy and the layer's tensors in --tensors DIR.
int run_model_export(const Options& options);

}  // namespace seqscope::app
