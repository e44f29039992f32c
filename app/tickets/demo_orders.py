"""The demonstration work orders of a postal centre's hotline (11185) and the categories they
are filed under: what callers complain about, ask, suggest and book, each order at a
different point of the loop. The stories are invented; the departments are those of
:mod:`app.auth.demo`."""
from __future__ import annotations

from dataclasses import dataclass

#: type → [(top level, [second level, ...]), ...], in the order they are offered.
CATEGORIES: dict[str, list[tuple[str, list[str]]]] = {
    "consult": [("邮政业务", ["资费标准", "寄递时限", "禁寄物品"]),
                ("网点服务", ["营业时间", "网点地址"]),
                ("住房公积金", ["提取政策", "贷款政策"])],
    "query": [("邮件查询", ["EMS 特快专递", "挂号信", "国内包裹"]),
              ("业务查询", ["报刊订阅结果", "汇款到账"])],
    "complaint": [("邮件问题", ["邮件延误", "邮件破损", "邮件丢失", "内件短少"]),
                  ("服务问题", ["投递服务", "服务态度", "网点服务", "热线服务"])],
    "suggestion": [("服务建议", ["网点服务", "投递服务", "热线服务"]),
                   ("业务建议", ["新业务", "资费"])],
    "service": [("上门揽收", ["EMS 揽收", "包裹揽收"]),
                ("报刊订阅", ["新订", "续订", "改址"]),
                ("集邮业务", ["邮票预订", "纪念册预订"])],
}


@dataclass(frozen=True)
class DemoOrder:
    """One demonstration order. ``path`` is the actions taken after registering, in the
    names of :data:`app.tickets.states.TRANSITIONS` (plus ``note`` and ``public_note``);
    ``days_ago`` is when it was registered; ``due_hours`` the deadline in hours from now
    (negative: overdue), else three days after registering. ``merge_into`` names the
    subject of the order it duplicates."""

    type_code: str
    category: tuple[str, str]
    subject: str
    description: str
    phone: str = ""
    department: str = ""
    path: tuple[str, ...] = ()
    days_ago: float = 1
    due_hours: float | None = None
    channel: str = "phone"
    priority: str = "normal"
    reason: str = ""
    result: str = ""
    feedback: str = ""
    satisfaction: str = ""
    note: str = ""
    merge_into: str = ""
    transfer_to: str = ""


_DONE = ("assign", "accept", "resolve", "feedback", "close")

ORDERS: list[DemoOrder] = [
    # --- new: registered, not yet routed ------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件延误"), "EMS 邮件超过承诺时限未到",
              "客户称 EMS 邮件从北京寄往成都已五天仍未投递，单号 EA123456785CN。", "13800000004",
              days_ago=0.1, priority="high"),
    DemoOrder("query", ("邮件查询", "挂号信"), "查询挂号信投递情况",
              "客户上周寄往上海的挂号信，收件人称未收到，请求查询。", "13800000001", days_ago=0.2),
    DemoOrder("suggestion", ("服务建议", "网点服务"), "建议网点周末延长营业时间",
              "客户建议东四邮局周六营业到晚上七点，方便上班族寄件。", "13800000001",
              days_ago=0.3, channel="web", priority="low"),
    # --- assigned to a department ---------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件破损"), "包裹外包装破损，内件瓷器碎裂",
              "客户收到的包裹外箱破损，内装瓷器碎成三块，已拍照留存，要求赔偿。", "13800000003",
              department="ems", path=("assign",), days_ago=1, priority="high"),
    DemoOrder("service", ("上门揽收", "EMS 揽收"), "预约明天上午上门揽收 EMS",
              "示例商贸有限公司需寄 20 件 EMS 文件，请明天上午 9 点至 11 点上门揽收。", "01065000000",
              department="ems", path=("assign",), days_ago=0.5),
    DemoOrder("query", ("业务查询", "报刊订阅结果"), "查询《人民日报》订阅是否成功",
              "客户十月在网点订阅明年全年《人民日报》，至今未收到订阅确认。", "13800000005",
              department="press", path=("assign",), days_ago=2, due_hours=-6),
    DemoOrder("complaint", ("服务问题", "投递服务"), "投递员未按址投递，包裹放在楼下",
              "客户称投递员未电话联系，直接把包裹放在单元门口，险些丢失。", "13800000006",
              department="delivery", path=("assign",), days_ago=3, due_hours=-20),
    # --- processing -----------------------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件丢失"), "挂号信寄出两周未到，疑似丢失",
              "客户寄往广州的挂号信两周未到，收据号 RR123456789CN，要求查找并赔偿。", "13800000002",
              department="ems", path=("assign", "accept", "note"), days_ago=4, priority="urgent",
              due_hours=-30, note="已联系广州邮区中心局协查，等待回复。"),
    DemoOrder("query", ("邮件查询", "国内包裹"), "查询国内包裹为何退回",
              "客户寄往福建漳州的包裹被退回，面单显示“地址不详”，客户确认地址无误。", "13800000008",
              department="ems", path=("assign", "accept"), days_ago=1.5),
    DemoOrder("service", ("集邮业务", "邮票预订"), "预订明年生肖邮票整版两版",
              "集邮爱好者刘先生预订明年生肖邮票整版两版，网点自取。", "13800000004",
              department="philately", path=("assign", "accept"), days_ago=2),
    DemoOrder("complaint", ("服务问题", "服务态度"), "网点营业员态度生硬",
              "客户在南京东路邮局办理汇款时，营业员不耐烦、拒绝解释手续费。", "13800000002",
              department="service", path=("assign", "accept"), days_ago=2.5, due_hours=-2),
    DemoOrder("consult", ("住房公积金", "提取政策"), "退休提取公积金需要哪些材料",
              "客户即将退休，咨询销户提取需带哪些材料，电话中未能确认当地要求。", "13800000005",
              department="fund", path=("assign", "accept"), days_ago=1),
    # --- waiting for the customer -----------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "内件短少"), "包裹内件短少一件",
              "客户网购两件衣服，收到的包裹里只有一件，外包装完好。", "13800000006",
              department="mailorder", path=("assign", "accept", "wait"), days_ago=5,
              reason="请客户提供购物订单截图和包裹重量照片。"),
    DemoOrder("service", ("报刊订阅", "改址"), "报刊投递地址变更",
              "客户搬家，要求把《半月谈》的投递地址从西城区改到东城区。", "13800000001",
              department="press", path=("assign", "accept", "wait"), days_ago=3,
              reason="等客户确认新地址的门牌号。"),
    # --- returned to the agent --------------------------------------------------------------
    DemoOrder("query", ("业务查询", "汇款到账"), "查询汇款为何未到账",
              "客户三天前在网点办理的汇款收款人称未到账。", "13800000003",
              department="finance", path=("assign", "reject"), days_ago=2,
              reason="缺少汇款凭证号码，请话务员回拨客户补充。"),
    DemoOrder("complaint", ("服务问题", "热线服务"), "热线等待时间过长",
              "客户称拨打 11185 排队超过十分钟才接通。", "13800000008",
              department="ems", path=("assign", "reject"), days_ago=1,
              reason="不属于速递物流部，请改派客户服务中心。"),
    # --- result written ---------------------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件延误"), "国际包裹清关延误",
              "客户从日本寄来的包裹在海关停留十天，询问原因。", "13800000007",
              department="ems", path=("assign", "accept", "resolve"), days_ago=6,
              result="经查包裹因申报不全被海关暂扣，已协助客户补交材料，预计三日内放行。"),
    DemoOrder("query", ("邮件查询", "EMS 特快专递"), "查询 EMS 邮件签收人",
              "客户的 EMS 邮件显示已签收，但收件人称未收到。", "13800000004",
              department="ems", path=("assign", "accept", "resolve"), days_ago=3,
              result="经调取投递记录，邮件由小区门卫代收，已联系门卫转交收件人。"),
    DemoOrder("consult", ("邮政业务", "禁寄物品"), "咨询能否邮寄锂电池",
              "客户想把充电宝寄给外地的孩子，问能否邮寄。", "13800000003",
              department="ems", path=("assign", "accept", "resolve"), days_ago=1,
              result="单独的充电宝属于禁寄物品；随设备安装的锂电池在规定容量内可寄，需如实申报。"),
    # --- feedback given ---------------------------------------------------------------------
    DemoOrder("complaint", ("服务问题", "网点服务"), "网点排队时间长、窗口少",
              "客户称中山五路邮局周一上午只开一个窗口，排队四十分钟。", "13800000003",
              department="service", path=("assign", "accept", "resolve", "feedback"), days_ago=8,
              result="已要求网点高峰时段开足窗口，并增设自助寄件机。",
              feedback="客户表示理解，希望落实。", satisfaction="satisfied"),
    DemoOrder("suggestion", ("业务建议", "新业务"), "建议开通微信查询公积金余额",
              "客户建议公积金余额可以在公众号上直接查询。", "13800000005",
              department="fund", path=("assign", "accept", "resolve", "feedback"), days_ago=9, channel="web",
              result="感谢建议，公众号余额查询功能已在测试，预计下月上线。",
              feedback="客户满意。", satisfaction="very_satisfied"),
    # --- closed -----------------------------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件破损"), "易碎品包裹破损赔偿",
              "客户寄的保价茶具到达时破损，要求按保价赔偿。", "13800000006",
              department="ems", path=_DONE, days_ago=12, priority="high",
              result="核实保价 500 元，已按保价金额赔偿并致歉。",
              feedback="客户已收到赔偿款。", satisfaction="satisfied"),
    DemoOrder("complaint", ("服务问题", "投递服务"), "报纸连续三天未投递",
              "客户订阅的《北京晚报》本周一至周三未投递。", "13800000001",
              department="delivery", path=_DONE, days_ago=10,
              result="投递段道调整漏登记客户地址，已补投并更正投递清单。",
              feedback="客户表示报纸已正常收到，但对前几天的缺报不满。", satisfaction="dissatisfied"),
    DemoOrder("query", ("邮件查询", "挂号信"), "查询挂号信是否退回",
              "客户寄往武汉的挂号信收件人搬家，询问信件去向。", "13800000005",
              department="ems", path=_DONE, days_ago=15,
              result="信件已按址退回，客户可到东四邮局凭收据领取。",
              feedback="客户已领回。", satisfaction="very_satisfied"),
    DemoOrder("consult", ("邮政业务", "资费标准"), "咨询寄往台湾的包裹资费",
              "客户想寄 3 公斤衣物到台湾，咨询资费和时限。", "13800000004",
              department="ems", path=_DONE, days_ago=7,
              result="已告知资费标准和约 7 个工作日的时限，建议选择航空包裹。",
              feedback="客户明白了。", satisfaction="satisfied"),
    DemoOrder("service", ("报刊订阅", "续订"), "续订明年《中国集邮》",
              "客户要求续订明年全年《中国集邮》杂志，从账户扣款。", "13800000004",
              department="press", path=_DONE, days_ago=20,
              result="已办理续订，订单号 BK2027-0088。", feedback="客户确认。", satisfaction="very_satisfied"),
    DemoOrder("suggestion", ("服务建议", "热线服务"), "建议热线增加方言服务",
              "老年客户建议 11185 提供粤语人工服务。", "13800000003",
              department="service", path=_DONE, days_ago=18, priority="low",
              result="已将建议转交热线运营组，将在排班中安排粤语坐席。",
              feedback="客户表示期待。", satisfaction="neutral"),
    # --- reopened: closed, then the customer called again ---------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件延误"), "投诉包裹延误，赔偿后仍未收到",
              "客户的包裹延误已按规定补偿运费，但包裹至今仍未收到。", "13800000002",
              department="ems", path=(*_DONE, "reopen"), days_ago=6, priority="high", due_hours=-4,
              result="已按延误规定退还运费。", feedback="客户收到退款。", satisfaction="neutral",
              reason="客户来电：包裹仍未收到，要求继续查找。"),
    DemoOrder("query", ("业务查询", "汇款到账"), "汇款到账查询结果有误",
              "客户反映上次答复“已到账”，但收款人核对后并未收到。", "13800000007",
              department="finance", path=(*_DONE, "reopen", "accept"), days_ago=5,
              result="经查汇款已于上周兑付。", feedback="客户认可。", satisfaction="satisfied",
              reason="收款人核对账户后仍未收到，需重新核查兑付记录。"),
    # --- transferred --------------------------------------------------------------------------
    DemoOrder("complaint", ("服务问题", "投递服务"), "快递员要求客户到站点自取",
              "客户称快递员电话通知到站点自提，拒绝送货上门。", "13800000008",
              department="ems", path=("assign", "accept", "transfer"), days_ago=2, transfer_to="delivery",
              reason="属于投递段问题，转投递部处理。", due_hours=-10),
    # --- merged duplicates ----------------------------------------------------------------------
    DemoOrder("complaint", ("邮件问题", "邮件丢失"), "挂号信丢失（客户再次来电）",
              "客户再次来电催问丢失的挂号信 RR123456789CN。", "13800000002",
              path=("merge",), days_ago=2, merge_into="挂号信寄出两周未到，疑似丢失"),
    DemoOrder("complaint", ("邮件问题", "邮件破损"), "瓷器包裹破损（客户家属来电）",
              "客户家属来电反映同一包裹破损。", "13800000003",
              path=("merge",), days_ago=0.8, merge_into="包裹外包装破损，内件瓷器碎裂"),
]
