#!/usr/bin/python3
"""PyTorch parity test of Tandem's vision encoders (issue 14).

For each projector (mlp, idefics3, gemma3, gated) and weight type (F32, F16) it writes a tiny
random-weight mmproj with `tandem synth --mmproj-out`, has `vision_dump` encode the fixture
image, and recomputes everything here from the published architectures:
  preprocessing  llama.cpp mtmd's (bilinear / bicubic / letterbox / idefics3 tiles), which
                 must give the very same 8-bit pixels;
  towers         HF CLIPVisionModel (LLaVA: hidden_states[-2], class row dropped) and
                 SiglipVisionModel (last_hidden_state, post_layernorm);
  projectors     HF LlavaMultiModalProjector, Idefics3Connector (pixel_shuffle +
                 modality_projection), Gemma3MultiModalProjector (avg pool, RMSNorm,
                 matmul with mm_input_projection_weight), and Tandem's gated fusion
                 (the LLaVA MLP mixed by a sigmoid gate with the learned mm.text row);
in float64, reading the GGUF with its own reader. Embeddings must agree within 1e-5
relative error (max |ours - ref| / max |ref|; the issue asks for 1e-3, but at 1e-3 a tanh
GELU in place of the erf one, 1.7e-4 here, would pass); marker texts must match exactly.

Needs torch and numpy: run with Debian's /usr/bin/python3.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F

TOL = 1e-5
f32 = np.float32

# ---------------------------------------------------------------- GGUF (F32 / F16 only)

GGUF_SCALARS = {0: '<B', 1: '<b', 2: '<H', 3: '<h', 4: '<I', 5: '<i', 6: '<f', 7: '<?',
                10: '<Q', 11: '<q', 12: '<d'}


def read_gguf(path):
    data = open(path, 'rb').read()
    pos = 0

    def take(fmt):
        nonlocal pos
        v = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return v[0]

    def string():
        nonlocal pos
        n = take('<Q')
        s = data[pos:pos + n].decode()
        pos += n
        return s

    def value(t):
        if t == 8:
            return string()
        if t == 9:
            it, n = take('<I'), take('<Q')
            return [value(it) for _ in range(n)]
        return take(GGUF_SCALARS[t])

    assert data[:4] == b'GGUF', path
    pos = 4
    take('<I')
    n_tensors, n_kv = take('<Q'), take('<Q')
    kv = {}
    for _ in range(n_kv):
        k = string()
        kv[k] = value(take('<I'))
    infos = []
    for _ in range(n_tensors):
        name = string()
        dims = [take('<Q') for _ in range(take('<I'))]
        infos.append((name, dims, take('<I'), take('<Q')))
    align = kv.get('general.alignment', 32)
    base = (pos + align - 1) // align * align
    tensors = {}
    for name, dims, t, off in infos:
        n = int(np.prod(dims))
        dt = {0: np.float32, 1: np.float16}.get(t)
        if dt is None:
            raise SystemExit(f'{path}: tensor {name} has type {t}; this reader knows F32 and F16')
        a = np.frombuffer(data, dtype=dt, count=n, offset=base + off)
        # ggml dims run fastest first: numpy's shape is the reverse.
        tensors[name] = torch.from_numpy(a.astype(np.float64).reshape(list(reversed(dims))))
    return kv, tensors

# ---------------------------------------------------------------- PNG (8-bit RGB, no interlace)


def read_png(path):
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack_from('>I4s', data, pos)
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype == 2 and interlace == 0, 'fixture must be 8-bit RGB'
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride, bpp = w * 3, 3
    out = np.zeros((h, stride), dtype=np.int64)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1)
        prev = out[y - 1] if y else np.zeros(stride, dtype=np.int64)
        cur = out[y]
        for x in range(stride):
            a = cur[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 0:
                p = 0
            elif ft == 1:
                p = a
            elif ft == 2:
                p = b
            elif ft == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (int(line[x]) + p) & 255
    return out.reshape(h, w, 3).astype(np.uint8)

# ---------------------------------------------------------------- mtmd preprocessing
# Float steps are float32 (np.float32 rounds every operation as C++ float does).


def resize_bilinear(img, tw, th):
    sh, sw = img.shape[:2]
    out = np.zeros((th, tw, 3), dtype=np.uint8)
    xr, yr = f32(sw - 1) / f32(tw), f32(sh - 1) / f32(th)
    for y in range(th):
        py = yr * f32(y)
        y0 = min(int(py), sh - 2)
        fy = py - f32(y0)
        for x in range(tw):
            px = xr * f32(x)
            x0 = min(int(px), sw - 2)
            fx = px - f32(x0)
            for k in range(3):
                a, b = f32(img[y0, x0, k]), f32(img[y0, x0 + 1, k])
                c, d = f32(img[y0 + 1, x0, k]), f32(img[y0 + 1, x0 + 1, k])
                top = a + fx * (b - a)
                bottom = c + fx * (d - c)
                out[y, x, k] = int(top + fy * (bottom - top))
    return out


def cubic(p0, p1, p2, p3, t):  # in double, like ours
    d0, d2, d3 = p0 - p1, p2 - p1, p3 - p1
    a1 = -1.0 / 3 * d0 + d2 - 1.0 / 6 * d3
    a2 = 1.0 / 2 * d0 + 1.0 / 2 * d2
    a3 = -1.0 / 6 * d0 - 1.0 / 2 * d2 + 1.0 / 6 * d3
    return p1 + a1 * t + a2 * t * t + a3 * t * t * t


def resize_bicubic(img, tw, th):
    sh, sw = img.shape[:2]
    out = np.zeros((th, tw, 3), dtype=np.uint8)
    tx, ty = f32(sw) / f32(tw), f32(sh) / f32(th)
    src = img.astype(np.float64)

    def px(x, y, k):
        return src[min(max(y, 0), sh - 1), min(max(x, 0), sw - 1), k]
    for i in range(th):
        for j in range(tw):
            x, y = int(tx * f32(j)), int(ty * f32(i))
            dx, dy = float(tx * f32(j) - f32(x)), float(ty * f32(i) - f32(y))
            for k in range(3):
                col = [cubic(px(x - 1, y - 1 + r, k), px(x, y - 1 + r, k), px(x + 1, y - 1 + r, k),
                             px(x + 2, y - 1 + r, k), dx) for r in range(4)]
                v = cubic(col[0], col[1], col[2], col[3], dy)
                v = math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)  # std::round
                out[i, j, k] = min(max(v, 0), 255)
    return out


def resize(img, tw, th, algo):
    if img.shape[0] == th and img.shape[1] == tw:
        return img.copy()
    return resize_bilinear(img, tw, th) if algo == 'bilinear' else resize_bicubic(img, tw, th)


def letterbox(img, tw, th, algo, pad):
    sh, sw = img.shape[:2]
    if sh == th and sw == tw:
        return img.copy()
    scale = min(f32(tw) / f32(sw), f32(th) / f32(sh))
    nw = max(1, min(int(math.ceil(f32(sw) * scale)), tw))
    nh = max(1, min(int(math.ceil(f32(sh) * scale)), th))
    inner = resize(img, nw, nh, algo)
    out = np.zeros((th, tw, 3), dtype=np.uint8)
    out[:, :] = pad
    ox, oy = (tw - nw) // 2, (th - nh) // 2
    out[oy:oy + nh, ox:ox + nw] = inner
    return out


def preprocess(img, projector, kv):
    s = kv['clip.vision.image_size']
    if projector == 'mlp':
        return [letterbox(img, s, s, 'bilinear', (122, 116, 104))], 0, 0
    if projector in ('gemma3', 'gated'):
        return [letterbox(img, s, s, 'bilinear', (0, 0, 0))], 0, 0
    longest = kv.get('clip.vision.preproc_image_size', 0)
    h, w = img.shape[:2]
    tiles, rows, cols = [], 0, 0
    if longest > 0:
        scale = min(f32(longest) / f32(w), f32(longest) / f32(h))
        rw = int(math.ceil((f32(w) * scale) / f32(s))) * s
        rh = int(math.ceil((f32(h) * scale) / f32(s))) * s
        big = letterbox(img, rw, rh, 'bicubic', (0, 0, 0))
        rows, cols = rh // s, rw // s
        tiles = [big[r * s:(r + 1) * s, c * s:(c + 1) * s] for r in range(rows) for c in range(cols)]
    return tiles + [resize(img, s, s, 'bicubic')], rows, cols

# ---------------------------------------------------------------- towers and projectors (HF)


def layer_norm(x, t, prefix, eps):
    return F.layer_norm(x, x.shape[-1:], t[prefix + '.weight'], t[prefix + '.bias'], eps)


def encoder_layer(x, t, il, kv, act):
    """CLIPEncoderLayer / SiglipEncoderLayer: pre-norm attention and MLP with residuals."""
    p = f'v.blk.{il}.'
    n_head = kv['clip.vision.attention.head_count']
    eps = kv['clip.vision.attention.layer_norm_epsilon']
    T, n = x.shape
    d = n // n_head

    def lin(name, v):
        return F.linear(v, t[p + name + '.weight'], t.get(p + name + '.bias'))
    h = layer_norm(x, t, p + 'ln1', eps)
    q = lin('attn_q', h).view(T, n_head, d).transpose(0, 1)
    k = lin('attn_k', h).view(T, n_head, d).transpose(0, 1)
    v = lin('attn_v', h).view(T, n_head, d).transpose(0, 1)
    w = torch.softmax(q @ k.transpose(1, 2) * d ** -0.5, dim=-1)
    att = (w @ v).transpose(0, 1).reshape(T, n)
    x = x + lin('attn_out', att)
    h = layer_norm(x, t, p + 'ln2', eps)
    return x + lin('ffn_down', act(lin('ffn_up', h)))


def vision_tower(pixels, kv, t, projector):
    """pixels: [3, S, S] normalised. Returns [n_patches, n_embd] (class row dropped)."""
    p = kv['clip.vision.patch_size']
    x = F.conv2d(pixels[None], t['v.patch_embd.weight'], t.get('v.patch_embd.bias'), stride=p)
    x = x.flatten(2).transpose(1, 2)[0]  # [n_patches, n_embd], row-major patch order
    clip = 'v.class_embd' in t
    if clip:
        x = torch.cat([t['v.class_embd'][None], x])
    x = x + t['v.position_embd.weight'][:x.shape[0]]
    eps = kv['clip.vision.attention.layer_norm_epsilon']
    if 'v.pre_ln.weight' in t:
        x = layer_norm(x, t, 'v.pre_ln', eps)
    n_layer = kv['clip.vision.block_count']
    if kv.get('clip.use_gelu'):
        act = lambda v: F.gelu(v, approximate='tanh')  # gelu_pytorch_tanh (SigLIP)
    else:
        act = lambda v: v * torch.sigmoid(1.702 * v)  # quick_gelu (OpenAI CLIP)
    # LLaVA: vision_feature_layer = -2, i.e. the state after n_layer - 1 layers, no post norm.
    run = n_layer - 1 if projector == 'mlp' else n_layer
    for il in range(run):
        x = encoder_layer(x, t, il, kv, act)
    if run == n_layer and 'v.post_ln.weight' in t:
        x = layer_norm(x, t, 'v.post_ln', eps)
    return x[1:] if clip else x


def pixel_shuffle(x, scale_factor):  # Idefics3Connector.pixel_shuffle, batch of one
    x = x[None]
    bsz, seq, embed_dim = x.size()
    height = width = int(seq ** 0.5)
    x = x.view(bsz, height, width, embed_dim)
    x = x.view(bsz, height, int(width / scale_factor), embed_dim * scale_factor)
    x = x.permute(0, 2, 1, 3)
    x = x.reshape(bsz, int(width / scale_factor), int(height / scale_factor),
                  embed_dim * (scale_factor ** 2))
    x = x.permute(0, 2, 1, 3)
    x = x.reshape(bsz, int(seq / (scale_factor ** 2)), embed_dim * (scale_factor ** 2))
    return x[0]


def project(x, kv, t, projector):
    if projector == 'mlp':  # LlavaMultiModalProjector: linear_1, gelu (erf), linear_2
        h = F.gelu(F.linear(x, t['mm.0.weight'], t['mm.0.bias']))
        return F.linear(h, t['mm.2.weight'], t['mm.2.bias'])
    if projector == 'gated':  # Tandem's gated fusion (docs/FORMATS.md)
        h = F.gelu(F.linear(x, t['mm.0.weight'], t['mm.0.bias']))
        m = F.linear(h, t['mm.2.weight'], t['mm.2.bias'])
        g = torch.sigmoid(F.linear(x, t['mm.gate.weight'], t['mm.gate.bias']))
        return g * m + (1 - g) * t['mm.text.weight']
    if projector == 'idefics3':
        s = kv['clip.vision.projector.scale_factor']
        return F.linear(pixel_shuffle(x, s), t['mm.model.fc.weight'])
    # Gemma3MultiModalProjector. GGUF holds Gemma's (1 + weight) already.
    k = kv.get('clip.vision.projector.scale_factor', 4)
    side = int(x.shape[0] ** 0.5)
    r = x.transpose(0, 1).reshape(1, x.shape[1], side, side)
    pooled = F.avg_pool2d(r, kernel_size=k, stride=k).flatten(2).transpose(1, 2)[0]
    eps = kv['clip.vision.attention.layer_norm_epsilon']
    normed = pooled * torch.rsqrt(pooled.pow(2).mean(-1, keepdim=True) + eps)
    normed = normed * t['mm.soft_emb_norm.weight']
    return normed @ t['mm.input_projection.weight']  # numpy shape [n_embd, n_text]


def expected_markers(projector, rows, cols):
    if projector in ('mlp', 'gated'):
        return [('', '')]
    if projector == 'gemma3':
        return [('<start_of_image>', '<end_of_image>')]
    out = []
    for r in range(rows):
        for c in range(cols):
            after = '\n' if c == cols - 1 and r != rows - 1 else ''
            out.append((f'<fake_token_around_image><row_{r + 1}_col_{c + 1}>', after))
    out.append(('\n\n<fake_token_around_image><global-img>', '<fake_token_around_image>'))
    return out

# ---------------------------------------------------------------- driver


def check(args, projector, wtype, img):
    name = f'{projector}-{wtype}'
    path = os.path.join(args.workdir, name + '.gguf')
    out = os.path.join(args.workdir, name)
    subprocess.run([args.tandem, 'synth', '--mmproj-out', path, '--projector', projector,
                    '--vision', 'tiny', '--mmproj-type', wtype, '--n-embd-text', '40'],
                   check=True, capture_output=True)
    subprocess.run([args.dump, path, args.image, out, '3'], check=True)
    lines = [json.loads(l) for l in open(os.path.join(out, 'manifest.jsonl'))]
    head = lines[0]
    images = [l for l in lines if 'image' in l]
    chunks = [l for l in lines if 'chunk' in l]
    kv, t = read_gguf(path)
    problems = []

    ref_images, rows, cols = preprocess(img, projector, kv)
    if (rows, cols) != (head['grid_rows'], head['grid_cols']) or len(ref_images) != len(images):
        problems.append(f'tile layout {head["grid_rows"]}x{head["grid_cols"]} '
                        f'({len(images)} images), reference {rows}x{cols} ({len(ref_images)})')
    bad_pixels = 0
    for ref, got in zip(ref_images, images):
        ours = np.fromfile(os.path.join(out, got['file']), dtype=np.uint8)
        ours = ours.reshape(got['height'], got['width'], 3)
        if ours.shape != ref.shape:
            problems.append(f'image {got["image"]}: shape {ours.shape}, reference {ref.shape}')
            continue
        bad_pixels += int((ours != ref).sum())
    if bad_pixels:
        problems.append(f'{bad_pixels} preprocessed pixel values differ')

    mean = torch.tensor(kv['clip.vision.image_mean'], dtype=torch.float64)
    std = torch.tensor(kv['clip.vision.image_std'], dtype=torch.float64)
    worst = 0.0
    if [(c['before'], c['after']) for c in chunks] != expected_markers(projector, rows, cols):
        problems.append('marker texts differ: ' + repr([(c['before'], c['after']) for c in chunks]))
    with torch.no_grad():
        for ref_img, c in zip(ref_images, chunks):
            # Normalised as mtmd does it, in float32: (v / 255 - mean) / std.
            px = torch.from_numpy(ref_img.astype(np.float32)).permute(2, 0, 1)
            px = ((px / 255.0 - mean.float()[:, None, None]) / std.float()[:, None, None]).double()
            ref = project(vision_tower(px, kv, t, projector), kv, t, projector)
            ours = np.fromfile(os.path.join(out, c['file']), dtype=np.float32)
            ours = torch.from_numpy(ours.astype(np.float64)).reshape(c['n_rows'], c['n_embd'])
            if ours.shape != ref.shape:
                problems.append(f'chunk {c["chunk"]}: shape {tuple(ours.shape)}, '
                                f'reference {tuple(ref.shape)}')
                continue
            worst = max(worst, float((ours - ref).abs().max() / ref.abs().max()))
    if worst > TOL:
        problems.append(f'relative error {worst:.2e} > {TOL:g}')
    n_rows = sum(c['n_rows'] for c in chunks)
    status = 'ok' if not problems else 'FAIL: ' + '; '.join(problems)
    print(f'{name:14s} {len(chunks)} chunk(s), {n_rows:3d} rows, max rel err {worst:.2e}, '
          f'preprocessing {"exact" if not bad_pixels else "differs"}: {status}')
    return not problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tandem', required=True)
    ap.add_argument('--dump', required=True)
    ap.add_argument('--image', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--projectors', default='mlp,idefics3,gemma3,gated')
    ap.add_argument('--types', default='F32,F16')
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    torch.set_num_threads(2)
    img = read_png(args.image)
    ok = True
    for projector in args.projectors.split(','):
        for wtype in args.types.split(','):
            ok &= check(args, projector, wtype, img)
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
