"""The catalogue search as Vietnamese users type: the same answers on SQLite and PostgreSQL.

These tests run on whichever database DATABASE_URL names; CI runs them on both. The
PostgreSQL-only tests check that the SQL tools (pg_trgm, dvc_fold) agree with the Python ones.
"""

import pytest
from django.db import connection

from dichvucong.catalog.models import ProcedureVersion
from dichvucong.catalog.selectors import SearchTerms, procedure_search, search_candidates
from dichvucong.catalog.trigram import SIMILARITY_THRESHOLD, similarity, trigrams
from dichvucong.core.text import fold

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="checks PostgreSQL's own tools"
)


def names(versions) -> list[str]:
    return [version.name for version in versions]


# --- pg_trgm's similarity in Python


def test_trigrams_pad_each_word_like_pg_trgm():
    assert trigrams("ki") == {"  k", " ki", "ki "}
    assert trigrams("a b1") == {"  a", " a ", "  b", " b1", "b1 "}
    assert trigrams("") == frozenset()


def test_similarity_is_shared_over_distinct_trigrams():
    # 14 shared trigrams of 17 + 17 distinct ones: 14 / 20.
    assert similarity("dang ki khia sinh", "dang ki khai sinh") == pytest.approx(0.7)
    assert similarity("khai sinh", "khai sinh") == 1.0
    assert similarity("khai sinh", "") == 0.0
    assert similarity(None, "khai sinh") is None
    # Single precision, as pg_trgm returns a float4.
    assert similarity("dang ki", "dang ki khai sinh") == pytest.approx(8 / 17, rel=1e-7)
    assert similarity("dang ki", "dang ki khai sinh") != 8 / 17


@pytest.mark.django_db
def test_similarity_is_a_function_of_every_connection():
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", ["dang ki khia sinh", "dang ki khai sinh"])
        (value,) = cursor.fetchone()
    assert value == pytest.approx(0.7)


# --- The query as the search reads it


def test_query_is_folded_and_tokenised():
    terms = SearchTerms.parse("  Đăng KÍ khai-sinh, khai sinh!! ")
    assert terms.text == "dang ki khai sinh khai sinh"
    assert terms.tokens == ("dang", "ki", "khai", "sinh")


def test_one_letter_tokens_are_not_required_and_long_queries_are_cut():
    assert SearchTerms.parse("thủ tục a b").tokens == ("thu", "tuc")
    terms = SearchTerms.parse("khai sinh " * 100)
    assert len(terms.text) <= 200
    assert SearchTerms.parse("một hai ba bốn năm sáu bảy tám chín mười").tokens == (
        "mot",
        "hai",
        "ba",
        "bon",
        "nam",
        "sau",
        "bai",
        "tam",
    )


# --- What people type


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "đăng kí khai sinh",  # i and y are one spelling
        "DANG KI KHAI SINH",
        "khai sinh",
        "  khai   sinh ",
        "khai-sinh!",
        "dang ky khai sin",  # not finished typing
        "dang ki khia sinh",  # two letters swapped
        "dang ky khai snh",  # a letter missing
    ],
)
def test_birth_registration_comes_first(catalogue, query):
    results = names(procedure_search(query=query))
    assert results[0] == "Đăng ký khai sinh"


def test_d_and_dj_are_the_same_letter(catalogue):
    assert names(procedure_search(query="đăng ký")) == names(procedure_search(query="dang ky"))
    assert "Đăng ký khai sinh" in names(procedure_search(query="dang"))


def test_i_and_y_spellings_are_the_same(catalogue):
    by_y = names(procedure_search(query="lý lịch tư pháp"))
    by_i = names(procedure_search(query="lí lịch tư pháp"))
    assert by_y == by_i
    assert by_y[0].startswith("Cấp Phiếu lý lịch tư pháp")


def test_ranking_exact_then_prefix_then_name_then_similarity(catalogue):
    assert names(procedure_search(query="Đăng ký khai sinh")) == [
        "Đăng ký khai sinh",  # the name itself
        # the name starts with the query, closer in length first
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        # every word in the name
        "Đăng ký lại khai sinh",
        # similar names only, most similar first
        "Đăng ký khai tử",
        "Đăng ký kết hôn",
        "Đăng ký thường trú",
        "Đăng ký thành lập hộ kinh doanh",
    ]


def test_short_query_ranks_by_similarity(catalogue):
    assert names(procedure_search(query="khai sinh")) == [
        "Đăng ký khai sinh",
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    ]


def test_words_in_the_name_rank_above_words_in_the_field(catalogue):
    results = names(procedure_search(query="hộ tịch"))
    assert results[0] == "Cấp bản sao trích lục hộ tịch"
    # The other Hộ tịch procedures follow (matched by their field), never the others.
    assert set(results[1:]) == {
        "Đăng ký khai sinh",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
        "Đăng ký kết hôn",
        "Đăng ký khai tử",
    }


def test_typo_finds_only_similar_names(catalogue):
    results = names(procedure_search(query="dang ki khia sinh"))
    assert results[:2] == ["Đăng ký khai sinh", "Đăng ký lại khai sinh"]
    assert "Đăng ký thành lập doanh nghiệp tư nhân" not in results  # below the threshold
    assert similarity(fold("Đăng ký thành lập doanh nghiệp tư nhân"), "dang ki khia sinh") < (
        SIMILARITY_THRESHOLD
    )


def test_search_by_national_or_local_code(catalogue):
    version = catalogue.versions["thuong_tru"]
    assert names(procedure_search(query=version.procedure.local_code)) == ["Đăng ký thường trú"]


def test_every_word_must_match_unless_the_name_is_similar(catalogue):
    results = list(procedure_search(query="khai sinh kết hôn"))
    assert results  # no name has all four words, but some are close enough
    for version in results:
        assert not all(token in version.search_name for token in ("khai", "sinh", "ket", "hon"))
        assert similarity(version.search_name, "khai sinh ket hon") >= SIMILARITY_THRESHOLD
    assert names(procedure_search(query="thuế xuất nhập khẩu")) == []
    assert names(procedure_search(query="giấy phép xây dựng")) == [
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    ]


def test_a_query_of_one_letter_words_finds_nothing_rather_than_everything(catalogue):
    assert names(procedure_search(query="a")) == []
    assert names(procedure_search(query="o a e")) == []


def test_punctuation_only_is_no_query(catalogue):
    assert names(procedure_search(query="?!…")) == names(procedure_search(query=""))


def test_no_query_lists_every_published_version_by_folded_name(catalogue):
    results = names(procedure_search())
    assert len(results) == 13
    assert results == sorted(results, key=fold)
    # The draft and the superseded version are never public.
    assert "Đăng ký khai sinh lưu động" not in results
    assert "Đăng ký khai sinh (bản cũ)" not in results
    assert "Đăng ký khai sinh lưu động" not in names(procedure_search(query="luu dong"))


def test_search_ranks_in_one_query_and_reads_a_page_in_one_more(
    catalogue, django_assert_num_queries
):
    with django_assert_num_queries(2):
        results = list(procedure_search(query="dang ky khai sinh"))
        for version in results:
            # What a result shows is joined in.
            assert version.field.sector.name and version.competent_agency.name
            assert version.procedure.local_code


def test_a_repeated_search_is_read_from_the_cache(catalogue, django_assert_num_queries):
    first = names(procedure_search(query="chung thuc"))

    with django_assert_num_queries(0):  # the ranking and the page's rows are both cached
        assert names(procedure_search(query="chứng thực")) == first


def test_publishing_makes_cached_searches_fresh(catalogue):
    from dichvucong.catalog.services import version_publish

    from .factories import ProcedureVersionFactory

    before = names(procedure_search(query="khai sinh"))
    draft = ProcedureVersionFactory(complete=True, name="Đăng ký khai sinh lưu động")

    version_publish(version=draft, actor=None)

    after = names(procedure_search(query="khai sinh"))
    assert "Đăng ký khai sinh lưu động" not in before
    assert sorted(after) == sorted([*before, "Đăng ký khai sinh lưu động"])


# --- Filters, alone and with a query


def test_filter_by_sector(catalogue):
    assert names(procedure_search(sector="T99-CA")) == ["Đăng ký thường trú"]
    assert names(procedure_search(sector=catalogue.sectors.xay_dung)) == [
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    ]
    assert len(procedure_search(sector="T99-TP")) == 9
    assert names(procedure_search(sector="T99-CA", query="khai sinh")) == []
    assert names(procedure_search(sector="no-such-sector")) == []


def test_filter_by_field(catalogue):
    assert names(procedure_search(field="T99-LL")) == [catalogue.versions["ly_lich"].name]
    results = names(procedure_search(field=catalogue.fields["ho_tich"], query="dang ky ket hon"))
    assert results[0] == "Đăng ký kết hôn"
    assert "Đăng ký thường trú" not in results  # similar, but of another field


def test_filter_by_agency_decides_or_receives(catalogue):
    decided_by_province = {"ly_lich", "doanh_nghiep"}
    expected = {catalogue.versions[key].name for key in decided_by_province}
    assert set(names(procedure_search(agency="T98.2"))) == expected
    # The provincial centre decides nothing but receives the provincial procedures.
    assert set(names(procedure_search(agency=catalogue.centre))) == expected
    assert names(procedure_search(agency="T98.3", query="doanh nghiep")) == [
        "Đăng ký thành lập doanh nghiệp tư nhân"
    ]
    assert len(procedure_search(agency="T98.1")) == 11


def test_filter_by_level(catalogue):
    assert set(names(procedure_search(level="tinh"))) == {
        catalogue.versions["ly_lich"].name,
        catalogue.versions["doanh_nghiep"].name,
    }
    assert len(procedure_search(level="xa")) == 11
    assert names(procedure_search(level="huyen")) == []
    assert names(procedure_search(level="bogus")) == []
    assert names(procedure_search(level="tinh", query="khai sinh")) == []


def test_filter_by_online_level(catalogue):
    assert names(procedure_search(online_level=1)) == ["Đăng ký thành lập hộ kinh doanh"]
    assert names(procedure_search(online_level=4, query="khai sinh")) == ["Đăng ký khai sinh"]
    assert names(procedure_search(online_level=3, query="khai sinh")) == [
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    ]


def test_filter_by_subject(catalogue):
    assert names(procedure_search(subject="organisations")) == [
        name
        for name in names(procedure_search())
        if name.startswith(("Chứng thực", "Cấp giấy phép", "Đăng ký thành lập"))
    ]
    assert len(procedure_search(subject="citizens")) == 12
    assert names(procedure_search(subject="organisations", query="dang ky thanh lap")) == [
        "Đăng ký thành lập hộ kinh doanh",
        "Đăng ký thành lập doanh nghiệp tư nhân",
    ]
    assert names(procedure_search(subject="aliens")) == []


def test_filters_combine(catalogue):
    results = procedure_search(
        query="dang ky",
        sector="T99-TP",
        field="T99-HT",
        agency="T98.1",
        level="xa",
        online_level=4,
        subject="citizens",
    )
    assert names(results) == ["Đăng ký khai tử", "Đăng ký khai sinh"]


# --- PostgreSQL's tools agree with the Python ones

VIETNAMESE_NAMES = [
    "Đăng ký khai sinh",
    "ĐĂNG KÝ KẾT HÔN CÓ YẾU TỐ NƯỚC NGOÀI",
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản (do cơ quan có thẩm quyền cấp)",
    "Đăng ký, quản lý cư trú",
    "Trợ cấp xã hội hằng tháng đối với đối tượng bảo trợ xã hội",
    "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    "Tuyển sinh trung học phổ thông — năm học 2025-2026",
    "Thủy lợi; Lâm nghiệp & Kiểm lâm / Ỷ Lan / ỹ ỵ ỷ ý ỳ",
    "Quyết định số 1811/QĐ-UBND ngày 01/7/2019",
    "1.001193.000.00.00.H30",
    "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở",
    "Đăng\u0301 ký khai sinh (decomposed: Da\u0306\u0300ng)",
    "   ",
    "",
]


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("text", VIETNAMESE_NAMES)
def test_dvc_fold_in_sql_equals_fold_in_python(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT dvc_fold(%s)", [text])
        (folded,) = cursor.fetchone()
    assert folded == fold(text)


@postgres_only
@pytest.mark.django_db
def test_dvc_fold_is_immutable():
    with connection.cursor() as cursor:
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'dvc_fold'")
        assert cursor.fetchone() == ("i",)


@postgres_only
@pytest.mark.django_db
def test_pg_trgm_similarity_equals_the_python_one():
    folded = [fold(name) for name in VIETNAMESE_NAMES]
    queries = ["dang ki khai sinh", "khai sinh", "dang ki khia sinh", "li lich", "a", "xa hoi"]
    from dichvucong.catalog.trigram import _float4

    with connection.cursor() as cursor:
        for name in folded:
            for query in queries:
                cursor.execute("SELECT similarity(%s, %s), %s %% %s", [name, query, name, query])
                pg_value, pg_similar = cursor.fetchone()
                # psycopg reads a float4 through its shortest decimal text; round it back.
                assert _float4(pg_value) == similarity(name, query), (name, query)
                assert pg_similar == (similarity(name, query) >= SIMILARITY_THRESHOLD)


@postgres_only
@pytest.mark.django_db
def test_search_candidates_can_use_the_trigram_indexes():
    candidates = (
        ProcedureVersion.objects.filter(search_candidates(SearchTerms.parse("dang ky khai sinh")))
        .order_by()
        .values("pk")
    )
    sql, params = candidates.query.sql_with_params()
    with connection.cursor() as cursor:
        # The test table is tiny: forbid the sequential scan to see what the indexes can do.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan
    assert "catalog_version_search_text_trgm" in plan
    assert "catalog_version_search_name_trgm" in plan


@postgres_only
@pytest.mark.django_db
def test_the_similarity_operator_is_costed_so_the_planner_prefers_the_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT procost FROM pg_proc WHERE proname = 'similarity_op'")
        assert cursor.fetchone() == (100,)
