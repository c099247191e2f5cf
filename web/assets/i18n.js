// Every UI string of every page, Chinese first; English with ?lang=en.
// HTML carries keys only (data-i18n, data-i18n-placeholder,
// data-i18n-aria-label, data-i18n-title); scripts call t(key, vars).
// The words for event kinds, roles, statuses, outcomes and vote choices are
// not here: they come from vocabulary.js, the server's own table, so that the
// pages and the minutes say the same (kindLabel, roleLabel, ...; data-label in HTML).
import { EVENT_KINDS, LABELS } from './vocabulary.js';

const zh = {
  brand: '委员议事厅',
  'index.org': '有事来协商',
  'index.sub': '政协委员、部门代表与市民在线协商议事',
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
  'err.offline': '网络未连接，请稍后重试',
  'err.timeout': '服务器无响应，请稍后重试',
  'err.detail': '{err}（{msg}）',

  online: '{n} 人在线',
  'presence.line': '{total}：{detail}',
  'sep.colon': '：',
  'sep.list': '、',
  'floor.title': '发言席',
  'floor.now': '正在发言：',
  'floor.nobody': '暂无人发言',
  'floor.you': '您正在发言',
  'floor.give': '给予发言',
  'floor.holding': '发言中',
  'floor.release': '结束发言',

  'stream.none': '直播画面将在此显示',
  'stream.ended': '直播已结束，感谢收看',

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

  'ask.sending': '正在提交…',
  'ask.pending': '已提交，等待主持人审核',
  'ask.public': '已提交，问题已公开',
  'ask.approved': '您的问题已通过审核并公开',
  'ask.empty': '请先输入问题',
  'ask.tooLong': '问题不能超过 {max} 字',
  'ask.rateLimited': '提问太频繁，请 {s} 秒后再试',
  'ask.notLive': '直播开始后即可提问',
  'ask.ended': '本期议事厅已结束，感谢参与',

  'nick.title': '欢迎来到委员议事厅',
  'nick.hint': '请为自己取一个昵称，提问时会显示',
  'nick.label': '昵称',
  'nick.ok': '进入',
  'nick.invalid': '昵称需为 1 至 32 个字',
  'nick.default': '听众{n}',

  'up.label': '点赞，当前 {n}',
  'up.done': '已点赞，当前 {n}',
  'up.count': '{n} 个赞',

  'q.askedBy': '提问人：{name}',
  'q.flagged': '敏感词',
  'q.mine': '我的提问',
  'q.reason': '原因',
  'q.reasonLine': '原因：{reason}',
  'q.approve': '通过',
  'q.reject': '拒绝',
  'q.withdraw': '撤下',
  'q.feature': '设为当前问题',
  'q.answered': '标记已答复',

  'ev.replyTo': '回应提问',
  'ev.questionBy': '问题',

  'point.label': '共识点',
  'vote.group': '表决',
  'vote.done': '已投票：{choice}',
  'tally.counted': '{roles}（计入结果）',
  'tally.advisory': '{roles}（民意参考）',
  'tally.none': '尚无投票',

  'feed.title': '实时动态',
  'say.placeholder': '输入发言内容',
  'say.send': '发言',

  'points.title': '共识点',
  'points.propose': '提出共识点',
  'points.proposeBtn': '提出',
  'points.placeholder': '例如：在老旧小区加装电梯中推行“一梯一策”',
  'points.close': '结束表决',
  'points.empty': '还没有共识点',
  'points.emptyOpen': '暂无正在表决的共识点',
  'points.proposed': '共识点已提出',

  'people.add': '添加参与者',
  'people.name': '姓名',
  'people.role': '角色',
  'people.affiliation': '单位/界别',
  'people.addBtn': '生成加入链接',
  'people.link': '{name} 的加入链接',

  'common.copy': '复制',
  'common.copied': '已复制到剪贴板',
  'common.copyFailed': '复制失败，请手动选择复制',
  'common.cancel': '取消',
  'common.refresh': '刷新',

  'host.role': '主持台',
  'host.start': '开始直播',
  'host.end': '结束议事厅',
  'host.endConfirmTitle': '确定结束本期议事厅？',
  'host.endConfirm': '结束后将关闭所有正在表决的共识点，听众不能再提问。此操作不可撤销。',
  'host.pending': '待审核提问',
  'host.pendingEmpty': '没有待审核的提问',
  'host.keys': '快捷键：J / K 上下选择，A 通过，R 拒绝',
  'host.approved': '已公开提问（按点赞排序）',
  'host.approvedEmpty': '还没有公开的提问',
  'host.featured': '当前问题',
  'host.say': '主持人发言',

  'part.featured': '当前问题',
  'part.noFeatured': '主持人尚未选定问题',
  'part.say': '我要发言',
  'part.answer': '回答当前问题',
  'part.said': '发言已发送',
  'part.answered': '回答已发送',

  'clerk.role': '记录台',
  'clerk.minutes': '会议纪要（实时）',
  'clerk.follow': '自动滚动',
  'clerk.empty': '纪要将随议事进程自动生成',
  'clerk.topic': '议题',
  'clerk.topicLine': '议题：{topic}',
  'clerk.scheduled': '预定',
  'clerk.started': '开始',
  'clerk.ended': '结束',
  'clerk.stats': '提问 {q}（公开 {a}）· 共识点 {p} · 纪要条目 {n}',
  'clerk.note': '记录要点',
  'clerk.notePlaceholder': '记录会议要点，Ctrl+Enter 提交',
  'clerk.noteBtn': '记入纪要',
  'clerk.noted': '已记入纪要',
  'clerk.export': '导出纪要',
  'clerk.downloading': '正在生成…',
  'clerk.downloaded': '已下载：{name}',
  'clerk.verify': '完整性校验',
  'clerk.verifyHint': '重新计算事件哈希链，确认纪要未被篡改',
  'clerk.verifyBtn': '校验',
  'verify.result': '结果',
  'verify.ok': '完整，未被篡改',
  'verify.bad': '校验失败',
  'verify.events': '事件数',
  'verify.head': '链头哈希',
  'verify.firstBad': '首个异常事件',
  'fmt.md': 'Markdown',
  'fmt.html': '网页（可打印）',
  'fmt.docx': 'Word',
  'fmt.csv': 'CSV 表格',
  'fmt.json': 'JSON',

  'overlay.name': '直播画面',
  'overlay.question': '听众提问',
  'overlay.floor': '正在发言',
  'overlay.point': '共识点表决',
  'overlay.scan': '扫码参与互动',
  'overlay.qrAlt': '参与互动的二维码',

  'admin.title': '管理后台',
  'admin.token': '管理员令牌',
  'admin.tokenPlaceholder': '粘贴管理员令牌',
  'admin.tokenSave': '使用',
  'admin.tokenClear': '清除',
  'admin.tokenHint': '令牌只保存在本标签页中，关闭即清除',
  'admin.tokenSet': '已设置令牌（仅保存在本标签页）',
  'admin.tokenSaved': '令牌已设置',
  'admin.badToken': '管理员令牌无效',
  'admin.create': '新建议事厅',
  'admin.fTitle': '标题',
  'admin.fTopic': '议题',
  'admin.fStream': '直播地址（.m3u8 或网页播放器）',
  'admin.fScheduled': '预定开始时间',
  'admin.fPremod': '提问先审后发',
  'admin.fVote': '听众可参与表决（民意参考）',
  'admin.createBtn': '创建',
  'admin.created': '已创建，请妥善转交以下链接',
  'admin.createdToast': '议事厅已创建',
  'admin.hostLink': '主持人',
  'admin.audienceLink': '听众页',
  'admin.overlayLink': '直播画面叠加层',
  'admin.qr': '二维码',
  'admin.session': '议事厅',
  'admin.sessions': '全部议事厅',
  'admin.linksHint': '加入链接含个人令牌，只显示一次，请单独发给本人',
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
  'err.offline': 'No connection; try again shortly',
  'err.timeout': 'The server did not answer; try again',
  'err.detail': '{err} ({msg})',

  online: '{n} online',
  'presence.line': '{total}: {detail}',
  'sep.colon': ': ',
  'sep.list': ', ',
  'floor.title': 'The floor',
  'floor.now': 'Speaking: ',
  'floor.nobody': 'Nobody has the floor',
  'floor.you': 'You have the floor',
  'floor.give': 'Give the floor',
  'floor.holding': 'Speaking',
  'floor.release': 'Release the floor',

  'stream.none': 'The broadcast will appear here',
  'stream.ended': 'The broadcast has ended. Thank you for watching',

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

  'ask.sending': 'Sending…',
  'ask.pending': "Submitted, awaiting the host's review",
  'ask.public': 'Submitted and public',
  'ask.approved': 'Your question was approved and is public',
  'ask.empty': 'Please type a question first',
  'ask.tooLong': 'At most {max} characters',
  'ask.rateLimited': 'Too fast: try again in {s} s',
  'ask.notLive': 'You can ask once the broadcast starts',
  'ask.ended': 'This session has ended. Thank you for taking part',

  'nick.title': 'Welcome to the Committee Forum',
  'nick.hint': 'Choose a nickname; it is shown with your questions',
  'nick.label': 'Nickname',
  'nick.ok': 'Enter',
  'nick.invalid': 'A nickname has 1 to 32 characters',
  'nick.default': 'Listener{n}',

  'up.label': 'Upvote, now {n}',
  'up.done': 'Upvoted, now {n}',
  'up.count': '{n} upvotes',

  'q.askedBy': 'Asked by {name}',
  'q.flagged': 'Sensitive',
  'q.mine': 'Mine',
  'q.reason': 'Reason',
  'q.reasonLine': 'Reason: {reason}',
  'q.approve': 'Approve',
  'q.reject': 'Reject',
  'q.withdraw': 'Withdraw',
  'q.feature': 'Feature',
  'q.answered': 'Mark answered',

  'ev.replyTo': 'Answering',
  'ev.questionBy': 'Question',

  'point.label': 'Consensus point',
  'vote.group': 'Vote',
  'vote.done': 'Voted: {choice}',
  'tally.counted': '{roles} (decides)',
  'tally.advisory': '{roles} (advisory)',
  'tally.none': 'No votes yet',

  'feed.title': 'Live feed',
  'say.placeholder': 'What you want to say',
  'say.send': 'Speak',

  'points.title': 'Consensus points',
  'points.propose': 'Propose a point',
  'points.proposeBtn': 'Propose',
  'points.placeholder': 'e.g. One plan per lift for old housing estates',
  'points.close': 'Close voting',
  'points.empty': 'No points yet',
  'points.emptyOpen': 'No point is open for voting',
  'points.proposed': 'Point proposed',

  'people.add': 'Add a participant',
  'people.name': 'Name',
  'people.role': 'Role',
  'people.affiliation': 'Affiliation',
  'people.addBtn': 'Create join link',
  'people.link': 'Join link for {name}',

  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.copyFailed': 'Copy failed; select and copy by hand',
  'common.cancel': 'Cancel',
  'common.refresh': 'Refresh',

  'host.role': 'Host desk',
  'host.start': 'Start',
  'host.end': 'End session',
  'host.endConfirmTitle': 'End this session?',
  'host.endConfirm': 'Open points will be closed and the audience can no longer ask. This cannot be undone.',
  'host.pending': 'Pending questions',
  'host.pendingEmpty': 'Nothing to review',
  'host.keys': 'Keys: J / K move, A approve, R reject',
  'host.approved': 'Public questions (by upvotes)',
  'host.approvedEmpty': 'No public questions yet',
  'host.featured': 'Featured question',
  'host.say': 'Host statement',

  'part.featured': 'Current question',
  'part.noFeatured': 'The host has not featured a question yet',
  'part.say': 'Speak',
  'part.answer': 'Answer the current question',
  'part.said': 'Statement sent',
  'part.answered': 'Answer sent',

  'clerk.role': 'Clerk desk',
  'clerk.minutes': 'Minutes (live)',
  'clerk.follow': 'Follow',
  'clerk.empty': 'The minutes grow as the session goes on',
  'clerk.topic': 'Topic',
  'clerk.topicLine': 'Topic: {topic}',
  'clerk.scheduled': 'Scheduled',
  'clerk.started': 'Started',
  'clerk.ended': 'Ended',
  'clerk.stats': 'Questions {q} (public {a}) · points {p} · entries {n}',
  'clerk.note': 'Note',
  'clerk.notePlaceholder': 'Write a note; Ctrl+Enter files it',
  'clerk.noteBtn': 'Add to minutes',
  'clerk.noted': 'Added to the minutes',
  'clerk.export': 'Export minutes',
  'clerk.downloading': 'Preparing…',
  'clerk.downloaded': 'Downloaded: {name}',
  'clerk.verify': 'Integrity check',
  'clerk.verifyHint': 'Recomputes the event hash chain to show the record is untouched',
  'clerk.verifyBtn': 'Verify',
  'verify.result': 'Result',
  'verify.ok': 'Intact',
  'verify.bad': 'Check failed',
  'verify.events': 'Events',
  'verify.head': 'Chain head',
  'verify.firstBad': 'First bad event',
  'fmt.md': 'Markdown',
  'fmt.html': 'Web page (printable)',
  'fmt.docx': 'Word',
  'fmt.csv': 'CSV spreadsheet',
  'fmt.json': 'JSON',

  'overlay.name': 'Broadcast overlay',
  'overlay.question': 'Audience question',
  'overlay.floor': 'Speaking',
  'overlay.point': 'Consensus vote',
  'overlay.scan': 'Scan to take part',
  'overlay.qrAlt': 'QR code to take part',

  'admin.title': 'Administration',
  'admin.token': 'Admin token',
  'admin.tokenPlaceholder': 'Paste the admin token',
  'admin.tokenSave': 'Use',
  'admin.tokenClear': 'Clear',
  'admin.tokenHint': 'The token stays in this tab only and is gone when it closes',
  'admin.tokenSet': 'Token set (this tab only)',
  'admin.tokenSaved': 'Token set',
  'admin.badToken': 'The admin token is not valid',
  'admin.create': 'New session',
  'admin.fTitle': 'Title',
  'admin.fTopic': 'Topic',
  'admin.fStream': 'Stream URL (.m3u8 or a player page)',
  'admin.fScheduled': 'Scheduled start',
  'admin.fPremod': 'Review questions before they are public',
  'admin.fVote': 'The audience may vote (advisory)',
  'admin.createBtn': 'Create',
  'admin.created': 'Created. Hand these links on with care',
  'admin.createdToast': 'Session created',
  'admin.hostLink': 'Host',
  'admin.audienceLink': 'Audience page',
  'admin.overlayLink': 'Broadcast overlay',
  'admin.qr': 'QR code',
  'admin.session': 'Session',
  'admin.sessions': 'All sessions',
  'admin.linksHint': 'A join link holds a personal token and is shown once: send it to that person only',
};

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
