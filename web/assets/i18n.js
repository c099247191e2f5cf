// The UI strings of the public pages (the audience's phone, the front page) and
// of what every page shares, Chinese first; English with ?lang=en. The staff desks'
// and the overlay's own words are in i18n-desk.js, which adds them here, so that a
// phone does not download them. HTML carries keys only (data-i18n, data-i18n-placeholder,
// data-i18n-aria-label, data-i18n-title); scripts call t(key, vars).
// The words for event kinds, roles, statuses, outcomes and vote choices are
// not here: they come from vocabulary.js, the server's own table, so that the
// pages and the minutes say the same (kindLabel, roleLabel, ...; data-label in HTML).
import { EVENT_KINDS, LABELS } from './vocabulary.js';

const zh = {
  brand: '委员议事厅',
  'index.org': '有事来协商',
  'index.sub': '政协委员、部门代表与听众在线协商议事',
  'index.live': '正在直播',
  'index.upcoming': '即将开始',
  'index.ended': '往期回顾',
  'index.none': '暂无议事厅',
  'index.noneLive': '当前没有正在直播的议事厅',
  'index.noneUpcoming': '暂无预告',
  'index.noneEnded': '暂无往期',
  'index.watch': '进入直播',
  'index.open': '查看',
  'index.minutes': '会议纪要',
  'index.startedAt': '开始于',
  'index.endedAt': '结束于',
  'index.scheduledAt': '预定',
  'nav.home': '首页',
  'nav.topics': '议题征集',
  'lang.switch': 'English',

  'conn.connecting': '正在连接…',
  'conn.reconnecting': '连接中断，正在重连…',
  'conn.fatal': '无法进入：{msg}',

  'err.bad_request': '请求无效',
  'err.unauthorized': '链接无效或已失效',
  'err.forbidden': '您的角色无权进行此操作',
  'err.not_found': '未找到该议事厅或内容',
  'err.not_joined': '尚未进入议事厅',
  'err.conflict': '状态已变化，操作未执行',
  'err.not_live': '议事厅未在直播中',
  'err.too_large': '内容过长',
  'err.rate_limited': '操作太频繁，请稍后再试',
  'err.resume_too_far': '错过的内容太多，正在重新载入',
  'err.internal': '服务器出错，请稍后再试',
  'err.unavailable': '暂时无法保存，请稍后再试',
  'err.offline': '网络未连接，请稍后重试',
  'err.timeout': '服务器无响应，请稍后重试',
  'err.detail': '{err}（{msg}）',

  online: '{n} 人在线',
  'sep.colon': '：',
  'sep.list': '、',
  'floor.now': '正在发言：',
  'floor.budget': '限时 {m}',
  'time.minutes': '{n} 分钟',
  'time.seconds': '{n} 秒',

  'aud.stream': '直播画面',
  'aud.featured': '正在回应的问题',
  'aud.points': '共识点表决',
  'aud.pointsNote': '您的表决作为民意参考，单独统计',
  'aud.pointsNoVote': '本场听众不参与表决，可查看实时结果',
  'aud.ask': '我要提问',
  'aud.askLabel': '您的问题',
  'aud.askPlaceholder': '请输入您想向委员和部门提出的问题（500字以内）',
  'aud.askAs': '昵称：{name}',
  'aud.rename': '修改',
  'aud.submit': '提交问题',
  'aud.tabFeed': '直播动态',
  'aud.tabQuestions': '听众提问',
  'aud.feedEmpty': '暂时还没有动态',
  'aud.qsEmpty': '还没有公开的问题，欢迎提问',
  'aud.scheduled': '预定开始：{time}',

  'mine.title': '我的提问',
  'mine.hint': '只有您自己能看到这里',
  'mine.pending': '已收到，正在等待主持人审核。通过后大家都能看到。',
  'mine.approved': '已公开，大家可以为它点赞。',
  'mine.featured': '主持人正在请嘉宾回应您的问题。',
  'mine.answered': '您的问题已得到答复，感谢参与！',
  'mine.rejected': '很抱歉，这个问题这次没有公开。欢迎换个角度再提问。',
  'mine.merged': '您的问题已与另一位听众的相同问题合并，点赞合并计算。',
  'mine.into': '合并到',

  'ask.sending': '正在提交…',
  'ask.pending': '已提交，等待主持人审核',
  'ask.public': '已提交，问题已公开',
  'ask.approved': '您的问题已通过审核并公开',
  'ask.empty': '请先输入问题',
  'ask.tooLong': '问题不能超过 {max} 字',
  'ask.rateLimited': '提问太频繁，请 {s} 秒后再试',
  'ask.notLive': '直播开始后即可提问',
  'ask.ended': '本期议事厅已结束，感谢参与',

  'nick.title': '提问前，请确认昵称',
  'nick.hint': '昵称会和您的问题一起显示，可以修改',
  'nick.label': '昵称',
  'nick.ok': '确定',
  'nick.invalid': '昵称需为 1 至 32 个字',
  'nick.default': '听众{n}',

  'up.label': '点赞，当前 {n}',
  'up.done': '已点赞，当前 {n}',
  'up.count': '{n} 个赞',
  'up.button': '▲ 赞 {n}',

  'q.askedBy': '提问人：{name}',
  'q.flagged': '敏感词',
  'q.mine': '我的提问',
  'q.reasonLine': '原因：{reason}',

  'ev.replyTo': '回应提问',
  'ev.questionBy': '问题',
  'ev.mergedInto': '并入',

  'point.label': '共识点',
  'vote.group': '表决',
  'tally.counted': '{roles}（计入结果）',
  'tally.advisory': '{roles}（民意参考）',
  'tally.result': '表决结果：{votes}，{outcome}',
  'tally.advisoryLine': '民意参考（听众）：{votes}',

  'commit.title': '承诺事项',
  'commit.hint': '部门承诺及办理情况',
  'commit.due': '完成时限 {due}',
  'commit.overdue': '已逾期',
  'commit.progress': '最新进展：',
  'commit.updatedAt': '（{time}）',
  'ev.commitMade': '{dept} 承诺：{text}',
  'ev.commitDue': '（完成时限 {due}）',
  'ev.commitUpdated': '办理情况（{status}）：{text}',
  'ev.caseText': '{section}：{text}',

  'plan.planned': '计划中',
  'plan.scheduled': '已安排',
  'plan.held': '已举行',
  'plan.cancelled': '已取消',

  'common.cancel': '取消',
};

const en = {
  brand: 'Committee Forum',
  'index.org': "Let's Talk It Over",
  'index.sub': 'CPPCC members, departments and citizens consult online',
  'index.live': 'Live now',
  'index.upcoming': 'Upcoming',
  'index.ended': 'Past sessions',
  'index.none': 'No sessions yet',
  'index.noneLive': 'Nothing is live right now',
  'index.noneUpcoming': 'Nothing scheduled',
  'index.noneEnded': 'No past sessions',
  'index.watch': 'Watch',
  'index.open': 'Open',
  'index.minutes': 'Minutes',
  'index.startedAt': 'Started',
  'index.endedAt': 'Ended',
  'index.scheduledAt': 'Scheduled',
  'nav.home': 'Home',
  'nav.topics': 'Propose a topic',
  'lang.switch': '中文',

  'conn.connecting': 'Connecting…',
  'conn.reconnecting': 'Connection lost, reconnecting…',
  'conn.fatal': 'Cannot join: {msg}',

  'err.bad_request': 'Invalid request',
  'err.unauthorized': 'This link is invalid or has expired',
  'err.forbidden': 'Your role may not do that',
  'err.not_found': 'Not found',
  'err.not_joined': 'Not joined yet',
  'err.conflict': 'Things changed; nothing was done',
  'err.not_live': 'The session is not live',
  'err.too_large': 'Too long',
  'err.rate_limited': 'Too many requests; try again shortly',
  'err.resume_too_far': 'Missed too much; reloading',
  'err.internal': 'Server error; try again later',
  'err.unavailable': 'Cannot be saved right now; try again shortly',
  'err.offline': 'No connection; try again shortly',
  'err.timeout': 'The server did not answer; try again',
  'err.detail': '{err} ({msg})',

  online: '{n} online',
  'sep.colon': ': ',
  'sep.list': ', ',
  'floor.now': 'Speaking: ',
  'floor.budget': '{m} allowed',
  'time.minutes': '{n} min',
  'time.seconds': '{n} s',

  'aud.stream': 'Live broadcast',
  'aud.featured': 'Question being answered',
  'aud.points': 'Consensus points',
  'aud.pointsNote': 'Your vote is advisory and counted separately',
  'aud.pointsNoVote': 'The audience does not vote here; results are live',
  'aud.ask': 'Ask a question',
  'aud.askLabel': 'Your question',
  'aud.askPlaceholder': 'Your question for the members and departments (up to 500 characters)',
  'aud.askAs': 'Nickname: {name}',
  'aud.rename': 'Change',
  'aud.submit': 'Submit',
  'aud.tabFeed': 'Live feed',
  'aud.tabQuestions': 'Questions',
  'aud.feedEmpty': 'Nothing yet',
  'aud.qsEmpty': 'No public questions yet. Ask one!',
  'aud.scheduled': 'Scheduled: {time}',

  'mine.title': 'My questions',
  'mine.hint': 'Only you can see this',
  'mine.pending': 'Received; the host will review it. Once approved, everyone sees it.',
  'mine.approved': 'Public: others can upvote it.',
  'mine.featured': 'The host has put your question to the panel.',
  'mine.answered': 'Your question was answered. Thank you!',
  'mine.rejected': 'Sorry, this question was not published this time. You are welcome to ask it another way.',
  'mine.merged': "Your question was merged with another listener's same question; upvotes count together.",
  'mine.into': 'Merged into',

  'ask.sending': 'Sending…',
  'ask.pending': "Submitted, awaiting the host's review",
  'ask.public': 'Submitted and public',
  'ask.approved': 'Your question was approved and is public',
  'ask.empty': 'Please type a question first',
  'ask.tooLong': 'At most {max} characters',
  'ask.rateLimited': 'Too fast: try again in {s} s',
  'ask.notLive': 'You can ask once the broadcast starts',
  'ask.ended': 'This session has ended. Thank you for taking part',

  'nick.title': 'Your nickname, before you ask',
  'nick.hint': 'It is shown with your question; change it if you like',
  'nick.label': 'Nickname',
  'nick.ok': 'OK',
  'nick.invalid': 'A nickname has 1 to 32 characters',
  'nick.default': 'Listener{n}',

  'up.label': 'Upvote, now {n}',
  'up.done': 'Upvoted, now {n}',
  'up.count': '{n} upvotes',
  'up.button': '▲ Upvote {n}',

  'q.askedBy': 'Asked by {name}',
  'q.flagged': 'Sensitive',
  'q.mine': 'Mine',
  'q.reasonLine': 'Reason: {reason}',

  'ev.replyTo': 'Answering',
  'ev.questionBy': 'Question',
  'ev.mergedInto': 'Into',

  'point.label': 'Consensus point',
  'vote.group': 'Vote',
  'tally.counted': '{roles} (decides)',
  'tally.advisory': '{roles} (advisory)',
  'tally.result': 'Result: {votes}, {outcome}',
  'tally.advisoryLine': 'Advisory (audience): {votes}',

  'commit.title': 'Commitments',
  'commit.hint': 'What departments committed to, and how far they got',
  'commit.due': 'Due {due}',
  'commit.overdue': 'Overdue',
  'commit.progress': 'Latest progress: ',
  'commit.updatedAt': ' ({time})',
  'ev.commitMade': '{dept} commits: {text}',
  'ev.commitDue': ' (due {due})',
  'ev.commitUpdated': 'Progress ({status}): {text}',
  'ev.caseText': '{section}: {text}',

  'plan.planned': 'Planned',
  'plan.scheduled': 'Scheduled',
  'plan.held': 'Held',
  'plan.cancelled': 'Cancelled',

  'common.cancel': 'Cancel',
};

// More words for the pages that import them (i18n-desk.js).
export function addWords(moreZh, moreEn) {
  Object.assign(zh, moreZh);
  Object.assign(en, moreEn);
}

export const lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'zh';
const dict = lang === 'en' ? en : zh;

// t('online', {n: 3}) -> '3 人在线'. A missing key falls back to Chinese, then to the key.
export function t(key, vars) {
  let s = dict[key] ?? zh[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] == null ? m : String(vars[k])));
  return s;
}

export const has = (key) => key in dict || key in zh;

// A word of the vocabulary in this language. A value the table does not know
// (from a newer server) shows as itself rather than as nothing.
const entry = (table, key) => (table && Object.hasOwn(table, key) ? table[key] : null);
const word = (table, key) => {
  const e = entry(table, key);
  return e ? e[lang] : String(key ?? '');
};
const vocabulary = (name) => (value) => (value ? word(LABELS[name], value) : '');

export const kindLabel = (kind) => word(EVENT_KINDS, kind);
export const roleLabel = vocabulary('role');
export const statusLabel = vocabulary('session_status');
export const questionStatusLabel = vocabulary('question_status');
export const pointStatusLabel = vocabulary('point_status');
export const outcomeLabel = vocabulary('outcome');
export const choiceLabel = vocabulary('choice');
export const approvalLabel = vocabulary('approval');
export const commitmentStatusLabel = vocabulary('commitment_status');
export const caseSectionLabel = vocabulary('case_section');
export const formLabel = vocabulary('form');

// data-label="role.member" in HTML: the table's name, a dot, the value.
function labelFor(ref) {
  const dot = ref.indexOf('.');
  return word(entry(LABELS, ref.slice(0, dot)), ref.slice(dot + 1));
}

export function applyI18n(root = document) {
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-label]')) el.textContent = labelFor(el.dataset.label);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  const link = root.querySelector('#lang-link');
  if (link) {
    const q = new URLSearchParams(location.search);
    if (lang === 'en') q.delete('lang'); else q.set('lang', 'en');
    const qs = q.toString();
    link.href = `${location.pathname}${qs ? `?${qs}` : ''}${location.hash}`;
    link.textContent = t('lang.switch');
    link.lang = lang === 'en' ? 'zh-CN' : 'en';
  }
}

export const dictionaries = { zh, en };
