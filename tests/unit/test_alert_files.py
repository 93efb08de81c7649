"""Reading alert files (engine.domain.alerts, docs/alerts.md): every bad-input kind of issue 20 — wrong or missing
columns, a bad 身份证号 checksum, an unknown level, duplicate rows, too many rows — with the Chinese message."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from engine.domain.alerts import MAX_ROWS, AlertFileError, parse_batch, parse_file
from engine.domain.id_numbers import check_character

HEADER = "身份证号,姓名,预警指标,预警等级,预警来源,预警日期"


def valid(serial: int) -> str:
    first17 = f"11010519800101{serial:03d}"
    return first17 + check_character(first17)


def csv(*lines: str, header: str = HEADER, bom: bool = True) -> bytes:
    return (header + "\n" + "\n".join(lines) + "\n").encode("utf-8-sig" if bom else "utf-8")


def test_a_csv_with_or_without_bom_and_english_or_chinese_values() -> None:
    lines = (f"{valid(1)},张三,失业,红色,人社局,2026-12-02", f"{valid(2)},李四,medical,orange,医保局,2026/12/01")
    for bom in (True, False):
        batch, header = parse_file(csv(*lines, bom=bom), "a.csv")
        assert (batch.total, batch.problems, header) == (2, [], {})
        first, second = batch.rows
        assert (first.row, first.indicator, first.level, first.alerted_on) == (
            1,
            "unemployment",
            "red",
            date(2026, 12, 2),
        )
        assert (second.indicator, second.level, second.alerted_on) == ("medical", "orange", date(2026, 12, 1))


def test_wrong_or_missing_columns_refuse_the_file_naming_them() -> None:
    with pytest.raises(AlertFileError) as missing:
        parse_file(csv(f"{valid(1)},张三", header="身份证号,姓名"), "a.csv")
    assert str(missing.value).startswith("缺少列：预警指标、预警等级、预警日期")
    with pytest.raises(AlertFileError) as unknown:
        parse_file(csv(f"{valid(1)},张三,失业,红色,人社局,2026-12-02,x", header=HEADER + ",电话"), "a.csv")
    assert str(unknown.value).startswith("无法识别的列：电话")
    with pytest.raises(AlertFileError, match="UTF-8"):
        parse_file((HEADER + "\n").encode("gbk"), "a.csv")


def test_each_bad_row_is_reported_with_its_field_and_the_good_rows_are_kept() -> None:
    bad_check = valid(3)[:17] + ("0" if valid(3)[17] != "0" else "1")
    batch, _ = parse_file(
        csv(
            f"{valid(1)},张三,失业,红色,人社局,2026-12-02",
            f"{bad_check},李四,失业,红色,人社局,2026-12-02",
            f"{valid(4)},王五,失业,紫色,人社局,2026-12-02",
            f"{valid(5)},赵六,彩票中奖,黄色,人社局,2026-13-02",
            f"{valid(1)},张三,失业,红色,人社局,2026-12-02",
            f"{valid(6)},,失业,黄色,,2026-12-02",
        ),
        "a.csv",
    )
    assert [r.row for r in batch.rows] == [1]
    assert [(p.row, p.field, p.message) for p in batch.problems] == [
        (2, "id_number", "身份证号：校验码不正确"),
        (3, "level", "预警等级：“紫色”不是预警等级（红色、橙色、黄色，或 red、orange、yellow）"),
        (
            4,
            "indicator",
            "预警指标：“彩票中奖”不是预警指标，可用：收入骤减、大额医疗支出、突发灾害、新增残疾、失业、"
            "主要劳动力死亡、大额教育支出、其他风险",
        ),
        (4, "alerted_on", "预警日期：“2026-13-02”不是日期（如 2027-01-15）"),
        (5, "id_number", "身份证号：与第 1 行重复（同一人、指标、等级、来源、日期）"),
        (6, "name", "姓名：必填"),
        (6, "source", "预警来源：必填"),
    ]
    assert batch.rejected_rows == 5


def test_more_than_the_limit_refuses_the_whole_file() -> None:
    lines = [f"{valid(1)},张三,失业,红色,人社局,2026-12-02"] * (MAX_ROWS + 1)
    with pytest.raises(AlertFileError, match=f"超过单次导入上限 {MAX_ROWS} 条，未导入任何数据"):
        parse_file(csv(*lines), "a.csv")
    document = {"batch_id": "B", "source": "医保局", "alerts": [{}] * (MAX_ROWS + 1)}
    with pytest.raises(AlertFileError, match="超过单次导入上限"):
        parse_batch(document)


def test_a_file_of_exactly_the_limit_is_read_whole_with_its_bad_rows_reported() -> None:
    """100,000 rows (issue 20's large file): every row read; the ten with a wrong check character, one per
    10,000, are reported by row number and the other 99,990 are kept."""

    def line(row: int) -> str:
        born = date(1950, 1, 1) + timedelta(days=row // 1000)  # a distinct number per row: date and sequence
        first17 = f"110105{born:%Y%m%d}{row % 1000:03d}"
        number = first17 + check_character(first17)
        if row % 10_000 == 0:
            number = first17 + ("0" if number[-1] != "0" else "1")
        return f"{number},张{row},失业,红色,人社局,2026-12-02"

    lines = [line(row) for row in range(1, MAX_ROWS + 1)]
    batch, _ = parse_file(csv(*lines), "big.csv")
    assert batch.total == MAX_ROWS
    assert [(p.row, p.field) for p in batch.problems] == [
        (row, "id_number") for row in range(10_000, MAX_ROWS + 1, 10_000)
    ]
    assert len(batch.rows) == MAX_ROWS - 10


def test_a_json_batch_with_members_and_a_batch_source() -> None:
    document = {
        "batch_id": "B-7",
        "source": "医保局",
        "alerts": [
            {
                "id_number": valid(1),
                "name": "张三",
                "indicator": "大额医疗支出",
                "level": "黄色",
                "alerted_on": "2026-12-02",
                "members": [valid(2), valid(3)],
            },
            {
                "身份证号": valid(4),
                "姓名": "李四",
                "预警指标": "disaster",
                "预警等级": "red",
                "预警日期": "2026-12-02",
                "家庭成员身份证号": "110105198001010011",
            },
        ],
    }
    batch, header = parse_file(json.dumps(document, ensure_ascii=False).encode(), "b.json")
    assert header == {"batch_id": "B-7", "source": "医保局"}
    assert [(r.source, r.members) for r in batch.rows] == [("医保局", (valid(2), valid(3)))]
    assert [(p.row, p.field) for p in batch.problems] == [(2, "members")]
    with pytest.raises(AlertFileError, match="alerts 列表"):
        parse_batch({"batch_id": "x", "alerts": "none"})
