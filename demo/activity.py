"""Demo activity: a year of work logs, lectures, incidents and monthly ledger submissions, written in bulk.

Shaped like the real thing: a fifth of the advisors write half of the logs, many logs land in the days before the
ledger's due day, log text of 100–500 characters, older months are verified, this month's logs wait in every state
of the workflow. About 16 logs per village a year (lectures included), as the provincial figures give. Rows are
planned and written in chunks, so a province's million logs a year load in constant memory.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

from accounts.models import Profile, Role
from accounts.policy import office_staff_profiles
from advisors.models import Agreement
from ledger.models import (
    Incident,
    Lecture,
    LedgerSubmission,
    ServiceMode,
    ServiceType,
    TownshipLedger,
    WorkLog,
    WorkLogEvent,
    WorkSummary,
)
from villages.models import Bureau, Village

BATCH_SIZE = 2000
CHUNK = 20000  # logs planned before they are written
TZ = ZoneInfo(settings.TIME_ZONE)

# (service type code, weight, object kind, what was asked, what was done)
SERVICES = [
    ("consultation", 40, "person", "咨询{topic}问题", "解释了{law}的相关规定，建议{advice}"),
    ("mediation", 12, "person", "{a}与{b}因{dispute}发生纠纷", "组织双方协商，{outcome}"),
    ("contract_review", 10, "group", "审查村集体{contract}", "提出修改意见{n}条，村委会已采纳"),
    ("document_drafting", 8, "person", "代写{document}", "已按当事人意愿起草并当面解释"),
    ("village_rules", 4, "group", "审核村规民约修订稿", "删除与法律相抵触条款{n}处"),
    ("legal_aid", 6, "person", "因{dispute}申请法律援助", "协助准备材料，已向法律援助中心提交申请"),
    ("petition", 4, "group", "群众反映{dispute}问题", "释法明理，引导通过法律途径解决"),
    ("election", 2, "group", "村“两委”换届选举程序咨询", "对选民登记和投票程序提出法律意见"),
    ("mediator_training", 3, "group", "为村人民调解员讲解{law}", "参训调解员{n}人"),
    ("case", 2, "person", "代理{dispute}案件", "已立案，等待开庭"),
    ("other", 3, "person", "协助处理{topic}事宜", "已办结"),
]
TOPICS = [
    "婚姻家庭",
    "土地承包",
    "宅基地",
    "劳动报酬",
    "赡养老人",
    "交通事故赔偿",
    "物业管理",
    "征地补偿",
    "继承",
    "邻里相邻权",
]
LAWS = [
    "民法典",
    "农村土地承包法",
    "劳动合同法",
    "老年人权益保障法",
    "人民调解法",
    "土地管理法",
    "村民委员会组织法",
]
ADVICE = ["保留相关证据", "先行协商解决", "向村委会申请调解", "必要时提起诉讼", "申请法律援助"]
DISPUTES = ["宅基地边界", "土地流转租金", "赡养费", "工资拖欠", "邻里排水", "婚约财产", "林地权属"]
OUTCOMES = [
    "双方达成调解协议并当场履行",
    "双方达成书面调解协议",
    "一方同意分期给付",
    "暂未达成一致，约定下次再调",
]
CONTRACTS = ["土地流转合同", "厂房租赁合同", "工程承包合同", "集体资产出租合同"]
DOCUMENTS = ["起诉状", "遗嘱", "借款协议", "离婚协议", "答辩状"]
FILLER = (
    "顾问结合具体案情，用群众听得懂的语言讲解了法律规定和办理流程。",
    "提示了诉讼时效和证据保全等注意事项。",
    "告知可拨打12348公共法律服务热线或到村公共法律服务工作室进一步咨询。",
    "当事人表示理解，对顾问的解答表示满意。",
    "顾问现场查阅了当事人提供的协议、收据和村委会出具的证明材料，逐项说明了其法律效力。",
    "村委会干部陪同参加，表示将配合做好后续的矛盾化解和跟踪回访工作。",
    "顾问建议当事人理性表达诉求，避免矛盾激化，必要时可通过人民调解或诉讼途径解决。",
    "已将相关法律条文和办事指南整理成书面材料交给当事人，并留下联系方式便于后续联系。",
    "顾问对案件可能的处理结果和所需时间、费用作了说明，当事人表示回去与家人商量后再作决定。",
)
CONTENT_LENGTH = (100, 500)
LECTURE_TOPICS = [
    "民法典进农村",
    "防范电信网络诈骗",
    "农村土地承包法解读",
    "老年人权益保障",
    "人民调解实务",
    "反家庭暴力法",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红"


INCIDENT_HANDLING = "所长带队到场了解情况，会同村“两委”做好疏导化解工作，当事双方情绪稳定，已报司法局。"
WORK_SUMMARY = (
    "%(year)s年，%(township)s司法所组织辖区村(居)法律顾问深入开展“一村(居)一法律顾问”工作。\n"
    "一、基本情况：各村(社区)均配备法律顾问，按月入村服务，工作日志和台账按时报送。\n"
    "二、主要成效：开展法律咨询、纠纷调解和法治讲座，化解了一批矛盾纠纷。\n"
    "三、存在问题：个别顾问入村时间不足，部分台账记录不够规范。\n"
    "四、下一步打算：加强日常检查和考核，提升服务质量。"
)


def bulk_insert(model: type[models.Model], rows: list[models.Model]) -> list[models.Model]:
    """bulk_create, or on PostgreSQL a COPY with primary keys drawn from the table's sequence beforehand (several
    times faster for the province's million logs). Either way the rows come back with their primary keys."""
    if connection.vendor != "postgresql" or len(rows) < BATCH_SIZE:
        return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    meta = model._meta
    quote = connection.ops.quote_name
    fields = meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        now = timezone.now()
        for f in fields:  # what bulk_create's pre_save would fill in
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                for row in rows:
                    setattr(row, f.attname, now)
        names = [f.attname for f in fields]  # psycopg adapts dates, times, decimals and UUIDs itself
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = row.__dict__
                copy.write_row([values[name] for name in names])
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias
    return rows


def _checkin(village, day) -> tuple:
    """An on-site log's check-in: mostly within 300 m of the village committee, now and then kilometres away (the
    office sees the distance). Its own generator, so the demo's other random draws are unchanged."""
    if village.latitude is None:
        return None, None, None
    rng = random.Random(f"checkin-{village.code}-{day}")
    spread = 0.03 if rng.random() < 0.05 else 0.002
    return (
        Decimal(f"{float(village.latitude) + rng.uniform(-spread, spread):.6f}"),
        Decimal(f"{float(village.longitude) + rng.uniform(-spread, spread):.6f}"),
        rng.randint(8, 60),
    )


@dataclass
class _Plan:
    logs: list[WorkLog] = field(default_factory=list)
    types: list[list[int]] = field(default_factory=list)
    lectures: list[tuple[int, Lecture]] = field(default_factory=list)


class ActivityGenerator:
    def __init__(self, bureau: Bureau, *, seed: int, today: date, years: int = 1) -> None:
        self.bureau = bureau
        self.rng = random.Random(seed * 7919 + 1)
        self.today = today
        self.first_day = date(today.year - years + 1, 1, 1)
        self.type_ids = dict(ServiceType.objects.values_list("code", "pk"))
        self.demo_township = bureau.townships.order_by("code").first()

    def run(self) -> int:
        agreements = list(
            Agreement.objects.in_force()
            .filter(
                village__township__bureau=self.bureau,
                start_date__lte=self.today,
                end_date__gte=self.first_day,
            )
            .select_related("advisor__firm", "advisor__user", "village__township")
            .order_by("pk")
        )
        # The demo advisor's logs first, so that they all lie in the first chunk (see _demo_advisor_states).
        agreements.sort(key=lambda a: not (a.advisor.user and a.advisor.user.username == "advisor"))
        reviewers = self._reviewers()
        advisor_ids = sorted({a.advisor_id for a in agreements})
        busy = set(self.rng.sample(advisor_ids, k=len(advisor_ids) // 5))
        plan, written, first = _Plan(), 0, True
        for agreement in agreements:
            self._plan_agreement(agreement, plan, busy=agreement.advisor_id in busy, reviewers=reviewers)
            if len(plan.logs) >= CHUNK:
                if first:
                    self._demo_advisor_states(plan)
                    first = False
                self._write(plan)
                written += len(plan.logs)
                plan = _Plan()
        if first:
            self._demo_advisor_states(plan)
        self._write(plan)
        self._submissions(agreements)
        return written + len(plan.logs)

    def _months(self, agreement: Agreement) -> list[tuple[int, int]]:
        """The (year, month) pairs of the activity period the agreement covers, up to today's month."""
        start = max(agreement.start_date, self.first_day)
        end = min(agreement.end_date, self.today)
        return [
            (year, month)
            for year in range(start.year, end.year + 1)
            for month in range(1, 13)
            if (start.year, start.month) <= (year, month) <= (end.year, end.month)
        ]

    def _reviewers(self) -> dict[int, tuple[int | None, int | None]]:
        """(liaison user, office user) per village; townships without office staff get one, as villages do liaisons."""
        User = get_user_model()
        villages = list(Village.objects.filter(township__bureau=self.bureau).select_related("township"))
        office = dict(
            Profile.objects.filter(bureau=self.bureau, role=Role.OFFICE_STAFF).values_list(
                "township_id", "user_id"
            )
        )
        unusable = make_password(None)
        new_users = [
            User(username=f"sfs{t.code}", password=unusable, first_name=f"{t.name}司法所")
            for t in {v.township for v in villages}
            if t.pk not in office
        ] + [User(username=f"llw{v.code}", password=unusable) for v in villages if v.liaison_id is None]
        created = {u.username: u for u in User.objects.bulk_create(new_users, batch_size=BATCH_SIZE)}
        profiles = []
        for village in villages:
            township = village.township
            if township.pk not in office:
                user = created[f"sfs{township.code}"]
                office[township.pk] = user.pk
                profiles.append(
                    Profile(user=user, role=Role.OFFICE_STAFF, bureau=self.bureau, township=township)
                )
            if village.liaison_id is None:
                village.liaison = created[f"llw{village.code}"]
                profiles.append(Profile(user=village.liaison, role=Role.LIAISON, bureau=self.bureau))
        Profile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
        Village.objects.bulk_update([v for v in villages if v.liaison_id], ["liaison"], batch_size=BATCH_SIZE)
        return {v.pk: (v.liaison_id, office[v.township_id]) for v in villages}

    def _text(self, template: str) -> str:
        rng = self.rng
        return template.format(
            topic=rng.choice(TOPICS),
            law=rng.choice(LAWS),
            advice=rng.choice(ADVICE),
            a=rng.choice(SURNAMES) + "某",
            b=rng.choice(SURNAMES) + "某",
            dispute=rng.choice(DISPUTES),
            outcome=rng.choice(OUTCOMES),
            contract=rng.choice(CONTRACTS),
            document=rng.choice(DOCUMENTS),
            n=rng.randint(2, 30),
        )

    def _content(self, asked: str) -> str:
        """What was asked, then the advisor's account: 100 to 500 characters in all."""
        length = self.rng.randint(*CONTENT_LENGTH)
        text = self._text(asked) + "。"
        while len(text) < length:
            text += self.rng.choice(FILLER)
        return text if len(text) <= length else text[: length - 1] + "。"

    def _day(self, year: int, month: int) -> date | None:
        """Often in the week before the ledger's due day, never after today."""
        due = self.bureau.ledger_due_day
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        day = (
            self.rng.randint(max(1, due - 7), due - 1)
            if self.rng.random() < 0.45
            else self.rng.randint(1, last)
        )
        result = date(year, month, day)
        return result if result <= self.today else None

    def _plan_agreement(self, agreement: Agreement, plan: _Plan, *, busy: bool, reviewers: dict) -> None:
        # Per village and month: the on-site day (驻点, most months; a busy advisor almost always), then busy
        # advisors 2 more logs, the others about 0.3; with the lectures that makes a fifth of the advisors write
        # half of the logs, about 20 logs per village a year, and most villages meet the visits and on-site hours
        # (seeds 002, 004) most months, so a village short of them stands out.
        for year, month in self._months(agreement):
            onsite_day = self.rng.random() < (0.97 if busy else 0.85)
            extra = self.rng.choice((1, 2, 2, 3) if busy else (0, 0, 0, 1, 0, 1, 0, 1, 0, 0))
            for n in range(int(onsite_day) + extra):
                day = self._day(year, month)
                if day is None or not agreement.start_date <= day <= agreement.end_date:
                    continue
                plan.logs.append(
                    self._log(agreement, day, reviewers, onsite=onsite_day and n == 0, day_long=True)
                )
                plan.types.append(self._types(plan.logs[-1]))
            if month % 3 == 0 or (year, month) == (self.today.year, self.today.month):
                self._plan_lecture(agreement, year, month, plan, reviewers)

    def _plan_lecture(self, agreement, year: int, month: int, plan: _Plan, reviewers: dict) -> None:
        if self.rng.random() > 0.85:
            return  # some villages miss a quarter's lecture
        day = self._day(year, month)
        if day is None or not agreement.start_date <= day <= agreement.end_date:
            return
        log = self._log(agreement, day, reviewers, onsite=True, lecture=True)
        plan.logs.append(log)
        plan.types.append([self.type_ids["publicity"]])
        topic = self.rng.choice(LECTURE_TOPICS)
        lecture = Lecture(
            topic=topic,
            audience="村民、村“两委”成员",
            attendance=self.rng.randint(20, 120),
            outline=f"一、{topic}的主要内容\n二、与村民生活密切相关的条款\n三、典型案例分析\n四、互动答疑",
            received_at=self._at(day + timedelta(days=3)) if log.status == WorkLog.Status.VERIFIED else None,
        )
        plan.lectures.append((len(plan.logs) - 1, lecture))

    def _at(self, day: date, hour: int = 17) -> datetime:
        return datetime.combine(min(day, self.today), time(hour, self.rng.randrange(60)), tzinfo=TZ)

    def _status(self, day: date) -> str:
        age = (self.today - day).days
        draw = self.rng.random()
        if age > 40:
            return WorkLog.Status.VERIFIED if draw < 0.97 else WorkLog.Status.CONFIRMED
        if age > 10:
            return (WorkLog.Status.VERIFIED, WorkLog.Status.CONFIRMED, WorkLog.Status.SUBMITTED)[
                0 if draw < 0.6 else 1 if draw < 0.9 else 2
            ]
        if draw < 0.08:
            return WorkLog.Status.DRAFT
        if draw < 0.13:
            return WorkLog.Status.RETURNED
        return WorkLog.Status.SUBMITTED if draw < 0.75 else WorkLog.Status.CONFIRMED

    def _log(
        self,
        agreement: Agreement,
        day: date,
        reviewers: dict,
        *,
        onsite: bool,
        lecture: bool = False,
        day_long: bool = False,
    ) -> WorkLog:
        rng = self.rng
        code, _weight, kind, asked, done = rng.choices(SERVICES, weights=[s[1] for s in SERVICES])[0]
        if onsite and day_long:  # the month's on-site day: usually the whole office day, sometimes a morning
            start = time(rng.choice((8, 9)), 0)
            minutes = rng.choice((480, 480, 510, 540)) if rng.random() < 0.8 else rng.choice((180, 240))
        else:
            start = time(rng.choice((8, 9, 10, 14, 15)), rng.choice((0, 30)))
            minutes = rng.choice((60, 90, 120, 150, 180)) if onsite else rng.choice((20, 30, 45, 60))
        end = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
        status = self._status(day)
        liaison_id, office_id = reviewers[agreement.village_id]
        confirmed = status in (WorkLog.Status.CONFIRMED, WorkLog.Status.VERIFIED)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        content = self._content(asked)
        log = WorkLog(
            agreement=agreement,
            advisor=agreement.advisor,
            village=agreement.village,
            firm_name=agreement.advisor.firm.name,
            service_date=day,
            start_time=start,
            end_time=end,
            hours=WorkLog.hours_between(start, end),
            mode=(ServiceMode.ONSITE if lecture or rng.random() < 0.85 else ServiceMode.HOME_VISIT)
            if onsite
            else rng.choice((ServiceMode.PHONE, ServiceMode.WECHAT, ServiceMode.VIDEO)),
            object_kind="group" if lecture or kind == "group" else "person",
            object_name=f"{agreement.village.name}村民"
            if lecture
            else (name if kind == "person" else f"{agreement.village.name}村委会"),
            object_situation="本村村民" if kind == "person" else "村集体",
            object_phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            people_served=rng.randint(20, 120) if lecture else rng.randint(1, 3),
            content=content,
            result=self._text(done),
            status=status,
            submitted_at=self._at(day) if status != WorkLog.Status.DRAFT else None,
            confirmed_at=self._at(day + timedelta(days=2)) if confirmed else None,
            confirmed_by_id=liaison_id if confirmed else None,
            verified_at=self._at(day + timedelta(days=6)) if status == WorkLog.Status.VERIFIED else None,
            verified_by_id=office_id if status == WorkLog.Status.VERIFIED else None,
            return_reason="服务对象联系电话无法接通，请核实后重新提交。"
            if status == WorkLog.Status.RETURNED
            else "",
            client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            created_by_id=agreement.advisor.user_id or office_id,
        )
        if code == "mediation" and not lecture:
            log.mediation_problem = self._text("{a}与{b}因{dispute}发生争执，多次协商未果")
            log.mediation_measures = "分别听取双方陈述，查看现场，讲解相关法律规定，组织面对面协商"
            log.mediation_result = self._text("{outcome}")
            # About one in six counted apart as 重大疑难或信访积案 (from the date: the random sequence stays as it was).
            log.mediation_major = day.day % 6 == 0
        if onsite:
            log.latitude, log.longitude, log.location_accuracy = _checkin(agreement.village, day)
        log.is_incident = code == "petition" and rng.random() < 0.3 and status != WorkLog.Status.DRAFT
        log._type_code = code
        log._office_id = office_id
        log._liaison_id = liaison_id
        return log

    def _demo_advisor_states(self, plan: _Plan) -> None:
        """The `advisor` login sees its latest logs in every state: a draft, one sent back, two awaiting the village,
        one awaiting the justice office."""
        lecture_indexes = {index for index, _lecture in plan.lectures}
        mine = [
            log
            for index, log in enumerate(plan.logs)
            if index not in lecture_indexes and log.advisor.user and log.advisor.user.username == "advisor"
        ]
        mine.sort(key=lambda log: (log.service_date, log.start_time), reverse=True)
        for log, status in zip(
            mine, ("draft", "returned", "submitted", "submitted", "confirmed"), strict=False
        ):
            log.status = status
            log.submitted_at = None if status == "draft" else self._at(log.service_date)
            log.confirmed_at = log.confirmed_by_id = log.verified_at = log.verified_by_id = None
            if status == "confirmed":
                log.confirmed_at, log.confirmed_by_id = self._at(log.service_date), log._liaison_id
            log.return_reason = "服务对象联系电话无法接通，请核实后重新提交。" if status == "returned" else ""
            log.is_incident = False

    def _types(self, log: WorkLog) -> list[int]:
        codes = {log._type_code}
        if self.rng.random() < 0.15:
            codes.add("consultation")
        return [self.type_ids[c] for c in codes]

    def _write(self, plan: _Plan) -> None:
        logs = bulk_insert(WorkLog, plan.logs)
        through = WorkLog.service_types.through
        bulk_insert(
            through,
            [
                through(worklog_id=log.pk, servicetype_id=t)
                for log, types in zip(logs, plan.types, strict=True)
                for t in types
            ],
        )
        lectures = []
        for index, lecture in plan.lectures:
            lecture.worklog = logs[index]
            lecture.received_by_id = logs[index].verified_by_id if lecture.received_at else None
            lectures.append(lecture)
        bulk_insert(Lecture, lectures)
        Incident.objects.bulk_create(
            [
                Incident(
                    village_id=log.village_id,
                    advisor_id=log.advisor_id,
                    worklog=log,
                    summary=log.content[:200],
                    reported_at=log.submitted_at,
                    acknowledged_at=log.verified_at,
                    acknowledged_by_id=log.verified_by_id,
                    handling=INCIDENT_HANDLING if log.verified_at else "",
                    handled_at=log.verified_at + timedelta(hours=3) if log.verified_at else None,
                    handling_recorded_by_id=log.verified_by_id,
                )
                for log in logs
                if log.is_incident
            ],
            batch_size=BATCH_SIZE,
        )
        # The trail, for the demo township only: it is what people open in the demo.
        events = []
        for log in logs:
            if log.village.township_id != self.demo_township.pk:
                continue
            events.append(
                WorkLogEvent(
                    worklog=log, action="created", by_id=log.created_by_id, at=self._at(log.service_date, 12)
                )
            )
            if log.submitted_at:
                events.append(
                    WorkLogEvent(
                        worklog=log, action="submitted", by_id=log.created_by_id, at=log.submitted_at
                    )
                )
            if log.status == WorkLog.Status.RETURNED:
                events.append(
                    WorkLogEvent(
                        worklog=log,
                        action="returned",
                        by_id=log._office_id,
                        note=log.return_reason,
                        at=log.submitted_at,
                    )
                )
            if log.confirmed_at:
                events.append(
                    WorkLogEvent(
                        worklog=log, action="confirmed", by_id=log.confirmed_by_id, at=log.confirmed_at
                    )
                )
            if log.verified_at:
                events.append(
                    WorkLogEvent(worklog=log, action="verified", by_id=log.verified_by_id, at=log.verified_at)
                )
        WorkLogEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)

    def _submissions(self, agreements: list[Agreement]) -> None:
        """Past months' ledgers: most on time, some late, a few missing; this month's early birds after the 20th."""
        due_day = self.bureau.ledger_due_day
        rows = []
        for agreement in agreements:
            if len(rows) >= CHUNK:
                bulk_insert(LedgerSubmission, rows)
                rows = []
            for year, month in self._months(agreement):
                due = date(year, month, due_day)
                if due > self.today and not (month == self.today.month and self.today.day >= 20):
                    continue
                draw = self.rng.random()
                if draw < 0.03 and due < self.today:
                    continue  # missing
                late = draw < 0.12 and due < self.today
                day = (
                    due + timedelta(days=self.rng.randint(1, 4))
                    if late
                    else due - timedelta(days=self.rng.randint(0, 6))
                )
                if day > self.today:
                    continue
                rows.append(
                    LedgerSubmission(
                        advisor_id=agreement.advisor_id,
                        village_id=agreement.village_id,
                        year=year,
                        month=month,
                        submitted_at=self._at(day, 20),
                        is_late=late,
                    )
                )
        bulk_insert(LedgerSubmission, rows)
        self._township_ledgers()
        self._work_summary()

    def _work_summary(self) -> None:
        """The demo township's office has filed last year's work summary."""
        office = office_staff_profiles([self.demo_township.pk]).order_by("pk").first()
        if office is None:
            return
        year = self.today.year - 1
        WorkSummary.objects.get_or_create(
            township=self.demo_township,
            year=year,
            defaults={
                "text": WORK_SUMMARY % {"year": year, "township": self.demo_township.name},
                "filed_by_id": office.user_id,
                "filed_at": self._at(date(year + 1, 1, 8), 10),
            },
        )

    def _township_ledgers(self) -> None:
        """Past months forwarded to the bureau by each justice office, a few after the month's end."""
        rows = []
        months = [
            (year, month)
            for year in range(self.first_day.year, self.today.year + 1)
            for month in range(1, 13)
            if (year, month) < (self.today.year, self.today.month)
        ]
        for township in self.bureau.townships.order_by("code"):
            for year, month in months:
                last_day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
                late = self.rng.random() < 0.08
                day = (
                    last_day + timedelta(days=self.rng.randint(1, 5))
                    if late
                    else last_day - timedelta(days=self.rng.randint(0, 4))
                )
                rows.append(
                    TownshipLedger(
                        township=township,
                        year=year,
                        month=month,
                        forwarded_at=self._at(day, 16),
                        is_late=late,
                    )
                )
        TownshipLedger.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def generate_activity(bureau: Bureau, *, seed: int, today: date, years: int = 1) -> int:
    return ActivityGenerator(bureau, seed=seed, today=today, years=years).run()
