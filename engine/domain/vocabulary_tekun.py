"""The 特困 assessment's words (docs/tekun-assessment.md): care tiers, supporters' relations and statuses, the
six ADL indicators, the income kinds a 特困 applicant may report and the three conditions, each code → its
Chinese label, like engine.domain.vocabulary (kept apart so that module stays one screenful per topic)."""

from __future__ import annotations

from engine.domain.vocabulary import INCOME_KINDS

# 生活自理能力 → 护理档次 (特认 Art. 21–22): 0 failed indicators, a few, many.
# tekun_income_threshold: the standard countable income must be below to count as 无生活来源.
INCOME_THRESHOLDS = {"dibao_standard": "当地低保标准（特认第六条）", "tekun_basic": "特困人员基本生活标准"}
TEKUN_CARE_TIERS = {"self_care": "全自理", "partial": "半护理", "full": "全护理"}

# Who is legally obliged to support the person (法定赡养、抚养、扶养义务人).
TEKUN_SUPPORTER_RELATIONS = {
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "other": "其他法定义务人",
}

# A supporter's standing; every status but "able" may make the supporter unable (特认 Art. 8), as the
# region's tekun_unable_supporter_statuses lists.
TEKUN_SUPPORTER_STATUSES = {
    "able": "有履行义务能力",
    "dibao_recipient": "最低生活保障对象",
    "tekun_recipient": "特困人员",
    "severely_disabled": "重度残疾人",
    "no_work_ability": "年老或无劳动能力",
    "imprisoned": "在监狱服刑",
    "missing": "被宣告失踪",
}

# The six activities of daily living, in the order an ADL list gives them (特困人员生活自理能力评估).
TEKUN_ADL_INDICATORS = ("自主吃饭", "自主穿衣", "自主上下床", "自主如厕", "室内行走", "自主洗澡")

# The 低保 income kinds plus social insurance payments, which only the 特困 assessment leaves out by name.
TEKUN_INCOME_KINDS: dict[str, str] = {**INCOME_KINDS, "social_insurance": "社会保险待遇（如医疗保险报销）"}

# The three conditions (特认 Art. 2), as the output's `conditions` keys and its reasons name them.
TEKUN_CONDITIONS = {
    "no_work_ability": "无劳动能力",
    "no_income": "无生活来源",
    "no_supporter": "无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力",
}

# —— The 特困 procedure (docs/tekun.md) ——

# Which benefit an enrollment pays, and the process that re-checks it (动态复核 / 特困年度复核).
PROGRAMMES = {"dibao": "最低生活保障", "tekun": "特困人员救助供养"}
REVIEW_PROCESSES = {"dibao": "periodic_review", "tekun": "tekun_review"}

# How an application came (特认 Art. 10–11): the person, someone on their behalf, or found by the village.
TEKUN_CHANNELS = {
    "self": "本人申请",
    "on_behalf": "委托他人或村（居）委会代为申请",
    "found_by_village": "村（居）委会主动发现",
}

# 集中供养 in an institution or 分散供养 at home with a carer and monthly visits (特认 Art. 19–20).
SUPPORT_MODES = {"centralized": "集中供养", "dispersed": "分散供养"}

# The processes whose 公示 publishes a 特困 person (the basic standard only, engine.records.notice_values).
# tekun_review too: a re-check that finds the person no longer eligible runs the termination's 终止公示.
TEKUN_NOTICE_PROCESSES = frozenset({"tekun_application", "tekun_termination", "tekun_review"})
# Every 特困 process: a person, not a household (the case page shows the 特困 assessment, no household card).
TEKUN_PROCESSES = TEKUN_NOTICE_PROCESSES | {"tekun_care_visit"}
