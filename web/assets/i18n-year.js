// The words of the year's public pages (/plan: the consultation plan; /follow: the
// commitments' progress, 办理情况公开) and of the links to them, kept out of i18n.js so
// that the audience's phone does not download them. The plan's status words
// (plan.planned ...) are in i18n.js: the admin page shows them too.
import { addWords } from './i18n.js';

export const zh = {
  'nav.plan': '年度协商计划',
  'nav.follow': '办理情况公开',
  'nav.planSub': '全年议题、形式、时间一览',
  'nav.followSub': '部门承诺事项的办理进展',
  'index.year': '年度计划与办理情况',

  'plan.title': '年度协商计划',
  'plan.year': '年度',
  'plan.yearOption': '{y}年',
  'plan.subscribe': '订阅日历',
  'plan.subscribeHint': '手机或电脑的日历应用可订阅下面的地址（“添加订阅日历”），计划有变动时自动更新：',
  'plan.month': '{m}月',
  'plan.undated': '待定',
  'plan.date': '计划时间 {date}',
  'plan.lead': '牵头单位：',
  'plan.depts': '参加部门：',
  'plan.notes': '备注：',
  'plan.empty': '本年度暂无协商计划',
  'plan.count': '共 {n} 项',
  'plan.minutes': '会议纪要',
  'plan.case': '协商案例',
  'plan.session': '查看议事厅',
  'plan.live': '正在直播',

  'follow.title': '办理情况公开',
  'follow.intro': '委员议事厅上部门作出的承诺事项及其办理进展',
  'follow.status': '办理状态',
  'follow.all': '全部',
  'follow.overdue': '只看已逾期',
  'follow.dept': '部门',
  'follow.allDepts': '全部部门',
  'follow.summary': '共 {n} 项承诺，已办结 {done} 项，已逾期 {late} 项',
  'follow.shown': '当前显示 {n} 项',
  'follow.empty': '暂无承诺事项',
  'follow.none': '没有符合条件的承诺事项',
  'follow.from': '来自：',
};

export const en = {
  'nav.plan': 'Consultation plan',
  'nav.follow': 'Commitments followed up',
  'nav.planSub': "The year's topics, forms and dates",
  'nav.followSub': "How far the departments' commitments got",
  'index.year': 'The plan and the follow-up',

  'plan.title': 'Consultation plan',
  'plan.year': 'Year',
  'plan.yearOption': '{y}',
  'plan.subscribe': 'Subscribe to the calendar',
  'plan.subscribeHint': 'Phone and desktop calendars can subscribe to this address (“add calendar subscription”) and follow changes to the plan:',
  'plan.month': '{name}',
  'plan.undated': 'Date to be set',
  'plan.date': 'Planned for {date}',
  'plan.lead': 'Led by: ',
  'plan.depts': 'Departments: ',
  'plan.notes': 'Notes: ',
  'plan.empty': 'No consultations planned for this year',
  'plan.count': '{n} items',
  'plan.minutes': 'Minutes',
  'plan.case': 'Case report',
  'plan.session': 'Open the session',
  'plan.live': 'Live now',

  'follow.title': 'Commitments followed up',
  'follow.intro': 'What departments committed to in the sessions, and how far they got',
  'follow.status': 'Status',
  'follow.all': 'All',
  'follow.overdue': 'Overdue only',
  'follow.dept': 'Department',
  'follow.allDepts': 'All departments',
  'follow.summary': '{n} commitments: {done} done, {late} overdue',
  'follow.shown': '{n} shown',
  'follow.empty': 'No commitments yet',
  'follow.none': 'No commitment matches',
  'follow.from': 'From: ',
};

addWords(zh, en);
