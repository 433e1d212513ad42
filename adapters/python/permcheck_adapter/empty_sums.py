"""The elements of a REDUCTION output that sum no term, which the contract fixes to exactly +0.0 (the
bits 0 of the output dtype) rather than to a value within the C5 tolerance (docs/spec.md C3, G1, G4;
the Java engine's EmptySums / EmptySumCheck): combine's rows of tokens routed nowhere (C3), dispatch
backward's grad_inp rows of tokens routed nowhere (G1), combine backward's grad_merging_probs at
(token, expert) pairs not routed (G4). Read from the row_id_map input's valid slots (C4).
"""
import numpy as np

# (op, output) -> (rule, per element): per element is G4's "+0.0 at a (token, expert) not routed"
EMPTY_SUMS = {("token_combine", "output"): ("C3", False),
              ("token_dispatch_backward", "grad_inp"): ("G1", False),
              ("token_combine_backward", "grad_merging_probs"): ("G4", True)}


def empty_sums(op, output, inputs, shape):
    """(rule, bool mask over `shape` of the elements that sum no term), or None when the output has none."""
    if (op, output) == ("megatron_unpermute", "output"):
        # Q6: a token no row of sorted_indices names sums nothing
        s = inputs.get("sorted_indices")
        if s is None or len(shape) < 1:
            return None
        named = np.zeros(shape[0], dtype=bool)
        v = s.data.astype(np.int64).reshape(-1)
        named[v[(v >= 0) & (v < shape[0])]] = True
        mask = np.repeat(~named[:, None], int(np.prod(shape[1:], dtype=np.int64)), axis=1)
        return "Q6", mask.reshape(shape)
    known = EMPTY_SUMS.get((op, output))
    row_id_map = inputs.get("row_id_map")
    if known is None or row_id_map is None:
        return None
    m = row_id_map.data
    if m.ndim != 2 or m.shape[1] % 2 != 1 or len(shape) < 1:
        return None
    rule, per_element = known
    experts = (m.shape[1] - 1) // 2
    rows = shape[0]
    cols = int(np.prod(shape[1:], dtype=np.int64))
    mask = np.zeros((rows, cols), dtype=bool)
    for r in range(min(rows, m.shape[0])):
        n = int(m[r, 2 * experts])
        if not per_element:
            mask[r, :] = n == 0
            continue
        routed = {int(m[r, experts + i]) for i in range(min(max(n, 0), experts))}
        mask[r, :] = [c not in routed for c in range(cols)]
    return rule, mask.reshape(shape)
