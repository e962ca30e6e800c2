"""Word alignment from cross-attention (layers and heads averaged, both directions intersected).

Direction 1 is the en→de model forcing the German given the English: each German word
attends to English words. Direction 2 is the de→en model forcing the English given the
German: each English word attends to German words. Piece attention is averaged into word
attention; a link (German word i, English word j) is kept when j is i's most attended
word in direction 1 *and* i is j's most attended word in direction 2 (intersection, as in
symmetrised statistical alignment). Without direction 2, the column-wise argmax of
direction 1 stands in for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def word_attention(
    attn: Any, row_words: Sequence[int], col_words: Sequence[int], n_rows: int, n_cols: int
) -> Any:
    """Average a (pieces × pieces) attention matrix into (words × words); −1 owners dropped."""
    import numpy as np

    out = np.zeros((n_rows, n_cols), dtype=np.float64)
    if attn is None or n_rows == 0 or n_cols == 0:
        return out
    a = np.asarray(attn, dtype=np.float64)
    rows = np.asarray(list(row_words[: a.shape[0]]), dtype=np.int64)
    cols = np.asarray(list(col_words[: a.shape[1]]), dtype=np.int64)
    rsel = rows >= 0
    csel = cols >= 0
    if not rsel.any() or not csel.any():
        return out
    a = a[rsel][:, csel]
    r_onehot = np.zeros((n_rows, a.shape[0]))
    r_onehot[rows[rsel], np.arange(a.shape[0])] = 1.0
    c_onehot = np.zeros((a.shape[1], n_cols))
    c_onehot[np.arange(a.shape[1]), cols[csel]] = 1.0
    summed = r_onehot @ a @ c_onehot
    counts = r_onehot.sum(1, keepdims=True) @ c_onehot.sum(0, keepdims=True)
    np.divide(summed, counts, out=out, where=counts > 0)
    return out


def intersect_alignment(de_to_en: Any, en_to_de: Any | None = None) -> list[list[int]]:
    """Links ``[de_word, en_word]`` present in both directions' argmax alignments."""
    import numpy as np

    m1 = np.asarray(de_to_en, dtype=np.float64)
    if m1.size == 0:
        return []
    fwd = {(i, int(m1[i].argmax())) for i in range(m1.shape[0]) if m1[i].max() > 0}
    if en_to_de is not None:
        m2 = np.asarray(en_to_de, dtype=np.float64)
        bwd = {(int(m2[j].argmax()), j) for j in range(m2.shape[0]) if m2.size and m2[j].max() > 0}
    else:
        bwd = {(int(m1[:, j].argmax()), j) for j in range(m1.shape[1]) if m1[:, j].max() > 0}
    return [list(p) for p in sorted(fwd & bwd)]


def unaligned(annotation: dict[str, Any]) -> list[int]:
    """Indices of German words without a link in a neural-engine segment annotation.

    For other detectors: ``segments[i]["neural"]`` carries ``de_words`` and ``alignment``.
    """
    linked = {i for i, _ in annotation.get("alignment", [])}
    return [i for i in range(len(annotation.get("de_words", []))) if i not in linked]
