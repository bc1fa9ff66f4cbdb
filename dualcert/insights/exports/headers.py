"""The Chinese texts of exported workbooks: headers, sheet names, titles and notes.

Exports go into the bureau's reports, so they are Chinese whatever the page language, and
these are plain constants, not messages to translate. The worker headers are the first
synonym of each import field, so an exported roster imports back unchanged.
"""

from dualcert.core.xlsx import Column
from dualcert.imports.kinds.workers import WORKER_FIELDS

# Choice labels (gender, education, statuses …) are the model's own labels as the Chinese
# pages show them, which are also the names the importer reads back.
EXPORT_LANGUAGE = "zh-hans"
YES, NO = "是", "否"
JOIN = "、"

_HEADER = {spec.key: spec.synonyms[0] for spec in WORKER_FIELDS}
ID_NUMBER = _HEADER["id_number"]
NAME = _HEADER["name"]
COUNTY = _HEADER["county"]

WORKER_COLUMNS = (
    Column(NAME, 10), Column(ID_NUMBER, 21, text=True), Column(_HEADER["gender"], 6),
    Column("出生日期", 12), Column(_HEADER["phone"], 14, text=True), Column(COUNTY, 10),
    Column(_HEADER["township"], 12), Column(_HEADER["village"], 12),
    Column(_HEADER["education"], 12), Column(_HEADER["target_groups"], 20),
    Column(_HEADER["consent_recommend"], 8), Column(_HEADER["expected_wage"], 10),
    Column(_HEADER["available_from"], 12),
)
ENROLLMENT_COLUMNS = (
    *WORKER_COLUMNS, Column("项目编号", 14, text=True), Column("项目名称", 24),
    Column("状态", 8), Column("已学时数", 8), Column("培训前月工资(元)", 10),
)
PROJECT_COLUMNS = (
    Column("项目编号", 14, text=True), Column("项目名称", 24), Column("县市", 10),
    Column("培训机构", 20), Column("培训路径", 24), Column("状态", 8), Column("开班日期", 12),
    Column("结业日期", 12), Column("计划人数", 8), Column("录取人数", 8),
    Column("补贴标准(元/人)", 10),
)
RESULT_COLUMNS = (
    Column(NAME, 10), Column(ID_NUMBER, 21, text=True), Column("项目编号", 14, text=True),
    Column("项目名称", 24), Column("证书类型", 24), Column("理论成绩", 8), Column("实操成绩", 8),
    Column("缺考", 6), Column("是否合格", 8), Column("补考", 6),
    Column("证书编号", 20, text=True),
)
CERTIFICATE_COLUMNS = (
    Column("证书编号", 20, text=True), Column("证书类型", 24), Column(NAME, 10),
    Column(ID_NUMBER, 21, text=True), Column("职业", 14), Column("等级/类别", 18),
    Column("发证机构", 20), Column("发证日期", 12), Column("有效期至", 12), Column("状态", 8),
)
PLACEMENT_COLUMNS = (
    Column(NAME, 10), Column(ID_NUMBER, 21, text=True), Column(COUNTY, 10),
    Column("用人单位", 24), Column("岗位", 16), Column("上岗日期", 12), Column("月工资(元)", 10),
    Column("合同类型", 16), Column("3个月回访", 18), Column("6个月回访", 18),
    Column("12个月回访", 18),
)
# A follow-up's outcome in a placement sheet (Chinese, whatever the page language).
FOLLOWUP_EMPLOYED = "在岗 {wage}元"
FOLLOWUP_LEFT = "已离职：{reason}"
FOLLOWUP_UNREACHABLE = "联系不上"
FOLLOWUP_DUE = "待回访（{due}到期）"

# kind → (sheet name, title)
LIST_SHEETS = {
    "workers": ("人员名单", "劳动者名单"),
    "projects": ("培训项目", "培训项目一览"),
    "enrollments": ("报名名单", "项目报名名单"),
    "results": ("考核结果", "考核结果"),
    "certificates": ("证书", "证书一览"),
    "placements": ("就业", "就业上岗名单"),
}
MADE = "导出时间"
NAME_CONTAINS = "姓名含“{}”"

# -- the headline figures ----------------------------------------------------------------------

FIGURES_TITLE = "一培双证主要指标"
SCOPE = "范围"
PREFECTURE = "全州"
TOTALS_SHEET = "合计"
TOTALS_COLUMNS = (Column("指标", 30), Column("数值", 14))
ISSUED_OF = "发证数 · "
# Dimension → (sheet name, header of the group column, the label of "none of them")
BREAKDOWN_SHEETS = {
    "county": ("按县市", "县市", "未填县市"),
    "occupation": ("按职业", "职业", "无职业（未经考核取得的许可证）"),
    "pathway": ("按培训路径", "培训路径", "非本平台考核取得的证书"),
    "target_group": ("按人员类别", "人员类别", "不属任何人员类别"),
    "month": ("按月份", "月份", "无日期"),
}
CODE = "代码"
FIGURE_HEADERS = {
    "person_times": "培训人次",
    "completed": "结业人次",
    "dual_certified": "双证人数",
    "certificates": "发证数",
    "fees_saved": "节省证书费用(元)",
    "subsidy_spent": "补贴支出(元)",
    "certified": "取证人数",
    "placed": "取证后就业人数",
    "employment_rate": "取证后就业率(%)",
    "wage_before": "培训前月工资中位数(元)",
    "wage_after": "就业后月工资中位数(元)",
}
NOTES_HEAD = "说明："
DEFINITIONS = (
    "培训人次：已录取的报名（含中途退出）；结业人次：状态为已结业的报名。",
    "双证人数：同一次考核的技能等级证书和行业许可证均已发证的人数（按人去重）。",
    "发证数：已发的证书（含后来撤销或过期的）；节省证书费用：经考核取得的许可证按其标准自费金额计。",
    "补贴支出：结业人次乘以项目的人均补贴标准。",
    "取证后就业率：首张证书发证之日或之后上岗的取证人数 ÷ 取证人数。",
    "工资中位数：取证后就业者培训前（首次登记的报名）与首次上岗的月工资。",
)
BREAKDOWN_NOTES = {
    "county": ("按劳动者所在县市分组；各县市之和等于合计。",),
    "occupation": (
        "按培训项目的职业分组（未经考核取得的证书按证书本身的职业）；取证人数、就业人数按首张证书归组。",
        "同一人在几个职业取得双证时在各职业各计一次，故双证人数之和可能大于合计。",
    ),
    "pathway": (
        "按培训项目的培训路径分组；取证人数、就业人数按首张证书归组。",
        "同一人在几条路径取得双证时在各路径各计一次，故双证人数之和可能大于合计。",
    ),
    "target_group": (
        "按劳动者的人员类别分组：一人可属几个类别（在各类别各计一次），也可不属任何类别，"
        "故各行之和不等于合计。",
    ),
    "month": (
        "月份按北京时间：培训人次、结业人次、补贴支出、双证人数按录取月份；发证数、节省费用按发证月份；"
        "取证人数按首张证书发证月份；就业人数与就业后工资按上岗月份。",
        "当月就业人数与当月取证人数不是同一批人，故按月不计算就业率。",
    ),
}
