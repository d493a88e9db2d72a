"""Comparisons shared by tests/kernels/test_fused_kernels.py and its TRITON_INTERPRET=1 subprocess.

Each builds inputs, runs a torch twin and its Triton kernel (forward and backward) and raises
AssertionError on a mismatch. Imported by the subprocess after it has switched the interpreter on,
and by the CUDA tests directly.
"""

import torch


def close(got, ref, dtype, what):
    got, ref = got.double(), ref.double()
    if dtype == torch.float32:
        torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-5 * max(1.0, ref.abs().max().item()), msg=what)
    else:
        torch.testing.assert_close(got, ref, rtol=2e-2, atol=2e-2 * max(1.0, ref.abs().max().item()), msg=what)


def rope_tables(B, T, hd, dtype, device, seed):
    g = torch.Generator().manual_seed(seed)
    pos = torch.randint(0, 4096, (B, T), generator=g).float()
    inv = 1.0 / (1e6 ** (torch.arange(0, hd, 2).float() / hd))
    emb = torch.cat([pos[..., None] * inv] * 2, -1)  # (B, T, hd)
    return emb.cos().to(dtype)[:, None].to(device), emb.sin().to(dtype)[:, None].to(device)


def compare(kernel, spec, dt, device, seed):
    """Run the twin and the Triton function on the same inputs; raise AssertionError on a mismatch."""
    from kernels.rmsnorm import rms_norm_torch, rms_norm_triton
    from kernels.rope import apply_rope_torch, apply_rope_triton
    from kernels.swiglu import swiglu_torch, swiglu_triton
    dtype = getattr(torch, dt)
    g = torch.Generator().manual_seed(seed)
    rnd = lambda *shape: torch.randn(*shape, generator=g)
    if kernel == "rmsnorm":
        x = (rnd(*spec["x"]) * 3 + 0.5).to(dtype)
        w = (1 + 0.2 * rnd(spec["x"][-1])).to(getattr(torch, spec.get("weight_dtype", dt)))
        inputs = [x.to(device).requires_grad_(), w.to(device).requires_grad_()]
        twin, fused = (lambda a, b: rms_norm_torch(a, b, 1e-6)), (lambda a, b: rms_norm_triton(a, b, 1e-6))
    elif kernel == "rope":
        B, n, T, hd = spec["B"], spec["n"], spec["T"], spec["hd"]
        x = rnd(B, T, n, hd).to(dtype).to(device).transpose(1, 2)  # (B, n, T, hd) view, as q/k arrive
        cos, sin = rope_tables(spec.get("cos_batch", B), T, hd, dtype, device, seed)
        inputs = [x.requires_grad_()]
        twin, fused = (lambda a: apply_rope_torch(a, cos, sin)), (lambda a: apply_rope_triton(a, cos, sin))
    else:
        inputs = [(rnd(*spec["x"]) * 3).to(dtype).to(device).requires_grad_() for _ in range(2)]
        twin, fused = swiglu_torch, swiglu_triton
    ref, got = twin(*inputs), fused(*inputs)
    assert got.dtype == ref.dtype and got.shape == ref.shape, (got.dtype, ref.dtype, got.shape, ref.shape)
    close(got, ref, dtype, f"{kernel} forward")
    dy = rnd(*ref.shape).to(ref.dtype).to(device)
    g_ref = torch.autograd.grad(ref, inputs, dy)
    g_got = torch.autograd.grad(got, inputs, dy)
    for i, (a, b) in enumerate(zip(g_got, g_ref)):
        assert a.dtype == b.dtype and a.shape == b.shape, (i, a.dtype, b.dtype)
        close(a, b, dtype, f"{kernel} grad of input {i}")


def tiny_model_grads(device):
    """Logits and every parameter gradient of a tiny qwen3-style decoder (q/k norms, GQA, biases,
    checkpointing), once with backend torch and once with backend triton."""
    from kernels.backend import use_backend
    from models.config import ModelConfig
    from models.transformer import CausalLM
    cfg = ModelConfig(model_type="qwen3", vocab_size=61, hidden_size=48, intermediate_size=80,
                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=16,
                      qk_norm=True, attention_bias=True, rope_theta=1e6)
    torch.manual_seed(0)
    model = CausalLM(cfg).to(device)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name:
                p.add_(0.2 * torch.randn_like(p))
    model.gradient_checkpointing = True
    model.train()
    ids = torch.randint(0, 61, (2, 9), generator=torch.Generator().manual_seed(1)).to(device)
    out = {}
    for name in ("torch", "triton"):
        model.zero_grad()
        with use_backend(name):
            logits = model(ids)
            logits.float().square().mean().backward()
        out[name] = (logits.detach(), {n: p.grad.clone() for n, p in model.named_parameters()})
    return out
