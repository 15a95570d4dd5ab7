"""RFC 3797 reproduced exactly: the fully worked example of section 6, the key string
rules of section 4, and the SHA-256 variant pinned so that it can never drift."""

from __future__ import annotations

import hashlib

import pytest

from lottery.domain.rfc3797 import (
    DEFAULT_ALGORITHM,
    MAX_POOL_SIZE,
    RFC3797_MD5,
    RFC3797_SHA256,
    DrawInputError,
    EmptySeedValueError,
    MissingSeedError,
    PoolTooLargeError,
    UnknownAlgorithmError,
    canonical_value,
    digest,
    key_string,
    selection_order,
)
from lottery.domain.verifiable import draw_order

# RFC 3797 section 6: three public sources, given in this order and as published.
RFC_SOURCES = [["9319"], ["2", "5", "12", "8", "10"], ["9", "18", "26", "34", "41", "45"]]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"
RFC_NAMES = [
    "John", "Mary", "Bashful", "Dopey", "Sleepy",
    "Grouchy", "Doc", "Sneazy", "Handsome", "Cassandra",
    "Pollyanna", "Pendragon", "Pandora", "Faith", "Hope",
    "Charity", "Lee", "Longsuffering", "Chastity", "Smith",
    "Pride", "Sloth", "Envy", "Anger", "Kasczynski",
]  # fmt: skip
# The section 6 table: index, MD5 of counter + key + counter, divisor, position picked.
RFC_TABLE = [
    (1, "990DD0A5692A029A98B5E01AA28F3459", 25, 17),
    (2, "3691E55CB63FCC37914430B2F70B5EC6", 24, 7),
    (3, "FE814EDF564C190AC1D25753979990FA", 23, 2),
    (4, "1863CCACEB568C31D7DDBDF1D4E91387", 22, 16),
    (5, "F4AB33DF4889F0AF29C513905BE1D758", 21, 25),
    (6, "13EAEB529F61ACFB9A29D0BA3A60DE4A", 20, 23),
    (7, "992DB77C382CA2BDB9727001F3CDCCD9", 19, 8),
    (8, "63AB4258ECA922976811C7F55C383CE7", 18, 24),
    (9, "DFBC5AC97CED01B3A6E348E3CC63F40D", 17, 19),
    (10, "31CB111C4A4EBE9287CEAE16FE51B909", 16, 13),
    (11, "07FA46C122F164C215BBC72793B189A3", 15, 22),
    (12, "AC52F8D75CCBE2E61AFEB3387637D501", 14, 5),
    (13, "53306F73E14FC0B2FBF434218D25948E", 13, 18),
    (14, "B5D1403501A81F9A47318BE7893B347C", 12, 9),
    (15, "85B10B356AA06663EF1B1B407765100A", 11, 1),
    (16, "3269E6CE559ABD57E2BA6AAB495EB9BD", 10, 4),
]
# The ten voting members the RFC's example selects, in order of selection.
RFC_NOMCOM = [
    "Lee", "Doc", "Mary", "Charity", "Kasczynski",
    "Envy", "Sneazy", "Anger", "Chastity", "Pandora",
]  # fmt: skip


def reference_selection(count: int, key: str, hash_name: str) -> list[int]:
    """Section 6's reference code transcribed as literally as Python allows: a table of
    unpicked positions, zeroed as they are picked, counted down by the remainder."""
    selected = list(range(1, count + 1))
    picked = []
    for usel, remaining in zip(range(count), range(count, 0, -1), strict=True):
        prefix = bytes([usel >> 8, usel & 0xFF])
        uc16 = hashlib.new(hash_name, prefix + key.encode() + prefix).digest()
        k = int(uc16.hex(), 16) % remaining
        for j in range(count):
            if selected[j]:
                k -= 1
                if k < 0:
                    picked.append(selected[j])
                    selected[j] = 0
                    break
    return picked


def test_the_section_6_key_string() -> None:
    assert key_string(RFC_SOURCES) == RFC_KEY


def test_the_section_6_table_row_by_row() -> None:
    order = selection_order(25, RFC_KEY, RFC3797_MD5)
    for index, md5_hex, divisor, position in RFC_TABLE:
        value = digest(index - 1, RFC_KEY, RFC3797_MD5)
        assert value.hex().upper() == md5_hex
        assert divisor == 25 - (index - 1)
        assert order[index - 1] == position


def test_the_section_6_selection_by_name() -> None:
    order = selection_order(len(RFC_NAMES), RFC_KEY, RFC3797_MD5)
    assert [RFC_NAMES[p - 1] for p in order[:10]] == RFC_NOMCOM
    # Through the pool API: ids that sort in the RFC's numbering give the same picks.
    pool = [f"{n:02d}-{name}" for n, name in enumerate(RFC_NAMES, start=1)]
    drawn = draw_order(list(reversed(pool)), RFC_SOURCES, RFC3797_MD5)
    assert [d.split("-")[1] for d in drawn[:10]] == RFC_NOMCOM
    assert sorted(drawn) == sorted(pool)


@pytest.mark.parametrize(
    ("algorithm", "hash_name"), [(RFC3797_MD5, "md5"), (RFC3797_SHA256, "sha256")]
)
@pytest.mark.parametrize("count", [1, 2, 25, 300])
def test_agrees_with_the_reference_code(algorithm: str, hash_name: str, count: int) -> None:
    for key in (RFC_KEY, "1.2.3./", "W41./4.8.15.16.23.42./"):
        assert selection_order(count, key, algorithm) == reference_selection(count, key, hash_name)


def test_the_sha256_variant_is_the_default_and_pinned() -> None:
    assert DEFAULT_ALGORITHM == RFC3797_SHA256 == "rfc3797-sha256-v1"
    first = hashlib.sha256(b"\x00\x00" + RFC_KEY.encode() + b"\x00\x00").hexdigest()
    assert digest(0, RFC_KEY).hex() == first
    # A known answer: any change here changes every published draw's outcome.
    assert selection_order(25, RFC_KEY) == [
        20, 23, 1, 14, 17, 9, 11, 15, 7, 13, 21, 10, 22,
        12, 6, 16, 4, 5, 2, 24, 8, 25, 3, 18, 19,
    ]  # fmt: skip


def test_the_order_is_a_permutation_and_its_head_does_not_depend_on_its_length() -> None:
    order = selection_order(200, RFC_KEY)
    assert sorted(order) == list(range(1, 200 + 1))
    assert selection_order(0, RFC_KEY) == []
    assert selection_order(1, RFC_KEY) == [1]
    md5 = selection_order(25, RFC_KEY, RFC3797_MD5)
    assert reference_selection(25, RFC_KEY, "md5")[:16] == md5[:16]


def test_the_same_inputs_always_give_the_same_order() -> None:
    assert selection_order(100, RFC_KEY) == selection_order(100, RFC_KEY)
    assert selection_order(100, RFC_KEY) != selection_order(100, "9319./")
    assert selection_order(100, RFC_KEY) != selection_order(100, RFC_KEY, RFC3797_MD5)


@pytest.mark.parametrize(
    ("sources", "key"),
    [
        # Within a source numbers sort by value, not as text: 10 and 12 come after 8.
        ([["2", "5", "12", "8", "10"]], "2.5.8.10.12./"),
        # Sources keep the order in which they were announced.
        ([["45"], ["9"]], "45./9./"),
        ([[3, 1, 2]], "1.2.3./"),
        # No leading zeroes, but a lone zero stays.
        ([["007", "0", "00", "10"]], "0.0.7.10./"),
        # A fraction keeps its period as the decimal point and loses trailing zeroes.
        ([["3.50", "0.25", ".5", "3.0"]], "0.250.53.3.5/"),
        ([[" 12 "]], "12./"),
        # Alphanumeric values: upper case, no accents, white space or punctuation.
        ([["W 4-1"]], "W41./"),
        ([["b", "a"], ["Mažňák"], ["Straße"]], "A.B./MAZNAK./STRASSE./"),
        # Numbers sort before alphanumeric values within a source.
        ([["Z", "10", "a1", "9"]], "9.10.A1.Z./"),
    ],
)
def test_key_string_canonicalisation(sources: list[list[str | int]], key: str) -> None:
    assert key_string(sources) == key


def test_canonical_value() -> None:
    assert canonical_value("0042") == "42."
    assert canonical_value(42) == "42."
    assert canonical_value("1.10") == "1.1"
    assert canonical_value("Hertha BSC") == "HERTHABSC."


@pytest.mark.parametrize(
    ("sources", "error", "says"),
    [
        ([], MissingSeedError, "no seed values"),
        ([["1"], []], MissingSeedError, "source 2 has no values"),
        ([["1", ""]], EmptySeedValueError, "empty"),
        ([["1", "   "]], EmptySeedValueError, "empty"),
        ([["-"]], EmptySeedValueError, "no letters or digits"),
        (["123"], DrawInputError, "must be a list"),
        ([[1.5]], DrawInputError, "text or a whole number"),
    ],
)
def test_unusable_seed_values_are_refused_with_a_reason(
    sources: list[list[str]], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        key_string(sources)
    assert issubclass(error, ValueError)


def test_limits() -> None:
    with pytest.raises(UnknownAlgorithmError, match="unknown algorithm 'rfc3797-sha1'"):
        selection_order(3, RFC_KEY, "rfc3797-sha1")
    with pytest.raises(PoolTooLargeError, match="65,536"):
        selection_order(MAX_POOL_SIZE + 1, RFC_KEY)
    with pytest.raises(DrawInputError, match="ASCII"):
        selection_order(3, "ä./")
