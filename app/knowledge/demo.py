"""Demonstration articles for the two hotlines (11185 China Post, 12329 housing fund).

The figures are for the demonstration: a real centre writes its own from the current
tariff tables and the local fund's rules."""
from __future__ import annotations

from app.declarations import Article
from app.knowledge.contributed import sync

DEMO = "demo"

ARTICLES = [
    Article("postage-letters", "国内信函邮政资费",
            "国内平常信函首重100克内，每重20克（不足20克按20克计）：本埠0.80元，外埠1.20元；"
            "续重101至2000克部分，每重100克本埠1.20元、外埠2.00元。明信片每件0.80元。",
            answer="国内平常信函每重20克本埠0.80元、外埠1.20元，寄挂号另加挂号费3元。",
            category="邮政业务/资费", keywords=("邮费", "邮资", "信函", "资费")),
    Article("registered-letter", "挂号信怎么寄、多少钱",
            "挂号信是给据邮件，交寄时收寄人员出具收据，凭收据可查询投递情况。资费为信函邮资加挂号费"
            "3元。可在任一邮政网点交寄，封面写清收件人地址、邮政编码和寄件人地址。",
            answer="挂号信在邮局网点交寄，费用是信函邮资加挂号费3元，凭收据上的号码可以查询。",
            category="邮政业务/信函", keywords=("挂号信", "挂号", "给据邮件")),
    Article("registered-letter-claim", "挂号信丢失的查询与赔偿",
            "给据邮件的查询期限为自交寄之日起一年。挂号信函丢失、损毁的，按所付邮资的三倍赔偿。"
            "用户凭收据在网点或拨打11185提出查询，邮政企业在规定期限内答复。",
            answer="挂号信可在交寄后一年内凭收据查询；如确认丢失，按所付邮资的三倍赔偿。",
            category="邮政业务/信函", keywords=("查询", "赔偿", "丢失")),
    Article("ems-time-limits", "EMS 国内特快专递时限",
            "EMS 国内特快专递在省会城市之间一般2至3天送达，同城次日达；偏远地区顺延1至3天。"
            "节假日照常收寄投递。时限为参考值，以实际为准。",
            answer="EMS 在省会城市之间一般2到3天送达，同城一般次日达，偏远地区会晚1到3天。",
            category="邮政业务/快递包裹", keywords=("EMS", "时限", "特快专递", "几天到")),
    Article("parcel-postage", "国内普通包裹资费",
            "国内普通包裹按首重1千克、续重每1千克计费，资费按寄达地所在区（一区至五区）不同。"
            "可选保价，保价费为保价金额的1%。",
            answer="普通包裹按重量和寄达地区计费，首重1千克，之后每千克续重计费，可以选择保价。",
            category="邮政业务/资费", keywords=("包裹资费", "保价")),
    Article("newspaper-subscription", "报刊订阅办理",
            "每年10月至12月为下一年度报刊订阅期（大收订），其余时间可办理破月订阅。可在邮政网点、"
            "中国邮政微信公众号或拨打11185订阅，按月、季、半年、全年计费。",
            answer="报刊可在邮局网点、中国邮政公众号或11185订阅，每年10到12月订明年全年。",
            category="邮政业务/报刊", keywords=("报刊订阅", "订报", "杂志")),
    Article("postcode-lookup", "邮政编码查询",
            "邮政编码为6位数字：前两位表示省，第三位表示邮区，第四位表示县市，后两位表示投递局。"
            "坐席可在客户资料页按地址查到邮编。",
            answer="邮政编码是6位数字，您告诉我详细地址，我帮您查。",
            category="网点服务", keywords=("邮编", "邮政编码")),
    Article("branch-hours", "邮政网点营业时间",
            "城市网点一般周一至周日8:30至17:30营业，部分网点周末只营业半天；法定节假日营业安排"
            "以网点公告为准。",
            answer="大部分网点每天8点半到下午5点半营业，节假日以网点公告为准。",
            category="网点服务", keywords=("营业时间", "网点", "几点")),
    Article("housing-fund-withdrawal", "住房公积金提取条件",
            "职工有下列情形之一的，可以提取住房公积金账户内的存储余额：购买、建造、翻建、大修自住住房；"
            "离休、退休；完全丧失劳动能力并与单位终止劳动关系；出境定居；偿还购房贷款本息；"
            "房租超出家庭工资收入的规定比例。",
            answer="购房、建房、还房贷、租房、退休、出境定居或完全丧失劳动能力时可以提取住房公积金。",
            category="住房公积金/提取", keywords=("公积金提取", "提取条件", "住房公积金")),
    Article("retirement-withdrawal", "退休提取住房公积金",
            "职工办理退休手续后，可凭本人身份证和退休证明（或社保退休核准材料）到公积金中心或通过"
            "网上服务大厅申请销户提取，余额及利息一次性转入本人银行卡。",
            answer="退休后带身份证和退休证明到公积金中心，或在网上服务大厅办理销户提取，钱转到本人银行卡。",
            category="住房公积金/提取", keywords=("退休提取", "销户")),
    Article("housing-fund-loan", "住房公积金贷款申请",
            "连续足额缴存住房公积金满6个月的职工，购买自住住房可申请公积金贷款。贷款额度与缴存余额、"
            "还款能力和房价有关，期限最长30年。",
            answer="连续缴存满6个月可以申请公积金贷款，最长30年，额度看缴存余额和还款能力。",
            category="住房公积金/贷款", keywords=("公积金贷款", "贷款额度")),
    Article("housing-fund-deposit", "住房公积金缴存比例",
            "住房公积金缴存比例单位和职工各为5%至12%，缴存基数为职工上一年度月平均工资，"
            "每年7月调整一次。",
            answer="单位和个人各按5%到12%缴存，基数是上一年的月平均工资，每年7月调整。",
            category="住房公积金/缴存", keywords=("缴存比例", "缴存基数")),
]


def load() -> dict[str, int]:
    """The demonstration articles, then what the enabled plugins contribute."""
    for article in ARTICLES:
        article.plugin = DEMO
    counts = sync(ARTICLES)
    plugins = sync()
    return {key: counts[key] + plugins[key] for key in counts}
