"""The learned model's tokenizer: the words and hashes its weights were trained on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from credscore.features._qualifiers_tokens import _P, _WORD, tokenize


def _reference(text: str) -> list[tuple[int, int, int]]:
    """Words as maximal runs of word code points, hashed sum(cp[j] * P**(j - start)) mod 2**64."""
    out, start = [], None
    for i, ch in enumerate([*text, "\x00"]):
        if i < len(text) and _WORD[ord(ch)]:
            if start is None:
                start = i
        elif start is not None:
            h = sum(ord(c) * pow(_P, j, 2**64) for j, c in enumerate(text[start:i])) % 2**64
            out.append((start, i, h))
            start = None
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(st.characters(max_codepoint=127), max_size=60),
        st.text(max_size=40),
        st.lists(st.sampled_from(["may", "it's", "x-ray", "9", "é", "İ", " ", "\x00 "])).map(
            "".join
        ),
    )
)
def test_tokenize_is_the_reference_words_and_hashes(text):
    """ASCII (uint8) and wide (uint32) code points give the documented words and hashes: the
    weights of the bundled model are indexed by them, so any change would silently break it."""
    t = tokenize(text)
    got = list(zip(t.starts.tolist(), t.ends.tolist(), map(int, t.hashes), strict=True))
    assert got == _reference(text)
