#!/usr/bin/python3
"""Checks Tandem's Whisper conv stem against PyTorch (Debian's /usr/bin/python3 has torch).

The reference is the published architecture (openai/whisper AudioEncoder, Hugging Face
WhisperEncoder): gelu(conv1(x)), gelu(conv2(.)) with Conv1d(k=3, padding=1), strides 1 and 2,
exact (erf) GELU, then a transpose to [positions][n_embd]. Random weights in torch's
[out][in][k] layout, which is the mmproj file's ggml layout ne = [3, in, out]. The F16 case
rounds the weights to fp16 (as llama.cpp's converter stores them) on both sides and computes
in float32. Passes when max |ours - torch| / max |torch| <= 1e-4.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

TOL = 1e-4

# (n_mel, n_frames, n_embd, weight type): Whisper-tiny/base sizes in F32 and Whisper-large
# (Qwen2-Audio, Ultravox) in F16, on a whole 3000-frame chunk.
CASES = [(80, 3000, 384, "f32"), (128, 3000, 1280, "f16"), (80, 1001, 64, "f16")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    args = ap.parse_args()
    torch.manual_seed(14)
    torch.set_num_threads(2)
    failed = False
    for n_mel, n_frames, n_embd, wtype in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            d = pathlib.Path(tmp)
            # Log-mel-like inputs (normalised features lie in about [-1, 1.5]) and weights of
            # Whisper's initial scale.
            mel = torch.rand(n_mel, n_frames) * 2.5 - 1.0
            w1 = torch.randn(n_embd, n_mel, 3) / np.sqrt(3 * n_mel)
            b1 = torch.randn(n_embd) * 0.1
            w2 = torch.randn(n_embd, n_embd, 3) / np.sqrt(3 * n_embd)
            b2 = torch.randn(n_embd) * 0.1
            for name, t in (("mel", mel), ("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
                t.numpy().astype("<f4").tofile(d / f"{name}.f32")
            if wtype == "f16":
                w1, w2 = w1.half().float(), w2.half().float()
            with torch.no_grad():
                h = F.gelu(F.conv1d(mel[None], w1, b1, stride=1, padding=1))
                want = F.gelu(F.conv1d(h, w2, b2, stride=2, padding=1))[0].T.contiguous()
            cmd = [args.tool, "conv-stem", d, n_mel, n_frames, n_embd, wtype]
            out = subprocess.run([str(c) for c in cmd],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f"audio_tool conv-stem failed: {out.stderr}")
            ms = json.loads(out.stdout)["ms"]
            got = np.fromfile(d / "out.f32", dtype="<f4")
            want = want.double().numpy()
            if got.size != want.size:
                print(f"  {n_mel}x{n_frames} -> {n_embd} {wtype}: {got.size} values, want {want.size} FAIL")
                failed = True
                continue
            err = np.abs(got.reshape(want.shape) - want).max() / np.abs(want).max()
            flops = 2 * n_embd * 3 * (n_mel * n_frames + n_embd * want.shape[0])
            ok = err <= TOL
            failed |= not ok
            print(f"  n_mel={n_mel} frames={n_frames} n_embd={n_embd} {wtype}: "
                  f"[{want.shape[0]} x {want.shape[1]}] max rel err {err:.3g} (limit {TOL:g}) "
                  f"{'ok' if ok else 'FAIL'}; {ms:.1f} ms on 2 threads "
                  f"({flops / ms / 1e6:.1f} GFLOP/s)")
    if failed:
        sys.exit("FAILED")
    print("all within tolerance")


if __name__ == "__main__":
    main()
