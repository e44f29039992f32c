"""The policy guide and the branch directory, by category: one source for the IVR's menus
(each text is a prompt), the knowledge base's articles and the booking's branches, so the
caller, the agent and the booking always tell the same thing.

The texts are a demonstration centre's; a real centre edits them here (or replaces the
plugin's data with its own) and runs ``postline prompts build`` and ``postline knowledge
sync``. Keys are ASCII, as prompt names must be."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Branch:
    code: str
    name: str
    address: str
    phone: str
    hours: str = "工作日八点半至十七点半"

    def spoken(self) -> str:
        """The sentence the IVR says for the branch (its prompt's text)."""
        return f"{self.name}，地址：{self.address}，电话：{self.phone}，办公时间：{self.hours}。"


@dataclass(frozen=True)
class District:
    key: str
    name: str
    branches: tuple[Branch, ...]


@dataclass(frozen=True)
class Policy:
    key: str
    title: str
    text: str
    keywords: tuple[str, ...]


DISTRICTS: tuple[District, ...] = (
    District("city", "市区", (
        Branch("b01", "市住房公积金管理中心服务大厅", "人民路一百号", "一二三二九"),
        Branch("b02", "东城管理部", "东城区解放大道二十八号", "八六六一二三四五"),
    )),
    District("east", "开发区", (
        Branch("b03", "开发区管理部", "开发区科技路九号", "八六六二三四五六"),
    )),
    District("county", "所辖县", (
        Branch("b04", "城南县管理部", "城南县建设路十六号", "八六六三四五六七"),
        Branch("b05", "城北县管理部", "城北县府前街三号", "八六六四五六七八"),
    )),
)

POLICIES: tuple[Policy, ...] = (
    Policy("deposit", "住房公积金缴存政策",
           "单位和职工缴存比例各为百分之五至百分之十二，缴存基数为职工本人上一年度月平均工资，"
           "每年七月调整一次。新参加工作的职工从参加工作的第二个月开始缴存。",
           ("缴存", "缴存比例", "缴存基数", "汇缴")),
    Policy("withdraw", "住房公积金提取政策",
           "购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离休退休，"
           "与单位终止劳动关系未再就业满半年等情形，可以申请提取住房公积金账户余额。",
           ("提取", "取公积金", "租房提取", "退休提取")),
    Policy("loan", "住房公积金贷款政策",
           "连续足额缴存满六个月的职工，购买自住住房时可以申请住房公积金贷款。"
           "贷款期限最长三十年，首套住房五年以上贷款年利率为百分之二点八五。",
           ("贷款", "公积金贷款", "贷款利率", "贷款额度")),
    Policy("transfer", "异地转移接续政策",
           "职工跨城市就业，可以在新就业地缴存住房公积金后，向转入地公积金中心申请转移接续，"
           "无须回原缴存地办理。",
           ("转移", "异地", "转移接续")),
)


def branches() -> tuple[Branch, ...]:
    return tuple(b for d in DISTRICTS for b in d.branches)


def branch(code: str) -> Branch | None:
    return next((b for b in branches() if b.code == code), None)


def branch_name(code: str) -> str:
    found = branch(code)
    return found.name if found else code
