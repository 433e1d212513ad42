"""The REDUCTION outputs (docs/spec.md, "Operations and ports": judged by tolerance, never bit for
bit) and the C5 tolerance they are judged with: |a - r| <= atol + rtol |r| + slack, rtol = atol =
eps^(2/3) of the output dtype (the Java engine's check/Tolerance, docs/checks.md section 3).
"""
REDUCTIONS = {("token_combine", "output"), ("token_dispatch_backward", "grad_inp"),
              ("token_combine_backward", "grad_merging_probs"), ("megatron_unpermute", "output"),
              ("te_index_unpermute", "output"),  # T5: its band (the slack) at the payload dtype
              ("te_ep_combine", "result"),  # Y4: an unweighted sum, C5's band
              ("mcore_inference_unpermute", "output")}  # V6: an fp32 atomic scatter-add, C5's band
TOLERANCE = {"f32": 2.4221817809573e-05, "f16": 9.8431332023037e-03, "bf16": 3.9372532809215e-02}
# the smallest magnitude that rounds to infinity in each reduction dtype, round to nearest even
# (the largest finite value's last mantissa bit is odd, so the midpoint above it rounds up)
OVERFLOW = {"f32": (2.0 - 2.0 ** -24) * 2.0 ** 127, "bf16": (2.0 - 2.0 ** -8) * 2.0 ** 127, "f16": 65520.0}
