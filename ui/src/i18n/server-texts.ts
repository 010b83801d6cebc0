/**
 * Texts the server writes in English, said again in the reader's language from their codes and the figures in
 * them: task titles (by task kind), price lines (by line code) and the reasons a quote goes to an engineer.
 * The figures are read out of the English text the workflows and the pricing write (their wording is fixed in
 * code), or from the task's payload; what cannot be read falls back to a shorter sentence without it.
 */
import type { Lang } from '../lib/history';
import { formatDate, formatMoney } from '../lib/format';
import { CHECKLIST, FIELDS, VALUES, humanize, wordsOf } from './codes';
import type { LineItem } from '../../../domain/quote/pricing';
import { currentTaskKind, type TaskKindName } from '../../../domain/tasks/kind-names';

/** What a task title is built from: the task as the API sends it. */
export interface TitledTask {
  kind: string;
  title: string;
  payload: Record<string, unknown>;
}

/** Figures found in a server title. */
interface Facts {
  ref: string;
  lot: string;
  round: string;
  rev: string;
  count: string;
  name: string;
  money: string;
  date: string;
  title: string;
}

function factsOf(task: TitledTask, lang: Lang): Facts {
  const title = task.title;
  const p = task.payload ?? {};
  const m = (re: RegExp) => re.exec(title)?.[1] ?? '';
  const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const minor = Number(p.outstandingFen ?? p.creditLimitFen ?? p.amountFen ?? p.paidFen ?? NaN);
  const currency = typeof p.currency === 'string' ? p.currency : 'CNY';
  return {
    ref: m(/\b((?:Q|SO|RMA|ORD)-[0-9A-Z-]+)/) || str(p.reference),
    lot: str(p.lotNumber) || m(/\blot ([^\s,()]+)/),
    round: str(p.round) || m(/\(?(?:round|check) (\d+)/),
    rev: str(p.revision) || m(/ r(\d+)\b/),
    count: m(/(\d+) (?:pcs|unit)/) || str(p.quantity ?? p.unitsToInspect),
    name: str(p.customer) || m(/(?:with|at|of) (.+?)(?:'s audit| for RMA|$)/),
    money: Number.isFinite(minor) ? formatMoney(minor, currency, lang) : '',
    // A calendar day in a title ("visit on 2026-12-02") is written the reader's way.
    date: m(/(\d{4}-\d{2}-\d{2})/) && formatDate(m(/(\d{4}-\d{2}-\d{2})/), lang),
    title,
  };
}

type Template = (f: Facts, task: TitledTask) => string;

/** Per task kind: the Chinese title, and the English one where the server's carries raw figures. */
const TITLES: { [K in TaskKindName]?: { zh: Template; en?: Template } } = {
  approval: { zh: () => '审批' },
  'customer.audit-visit': { zh: (f) => `与 ${f.name} 商定验厂日期` },
  'customer.audit-result': {
    zh: (f) => `记录 ${f.name} 的验厂结果${f.date ? `（${f.date}）` : ''}`,
    en: (f) => `Record the result of ${f.name}'s audit visit${f.date ? ` on ${f.date}` : ''}`,
  },
  'customer.reaudit': { zh: (f) => `请 ${f.name} 重新验厂（上次验厂未通过）` },
  'customer.corrective-action': { zh: (f) => `整改项：${f.title.replace(/^Corrective action for [^:]+:\s*/, '')}` },
  'customer.payment-terms-approval': {
    zh: (f) => `批准月结${f.money ? `，信用额度 ${f.money}` : ''}`,
    en: (f) => `Approve monthly settlement${f.money ? ` with a credit limit of ${f.money}` : ''}`,
  },
  'order.contract-signature': { zh: () => '签署委托加工合同' },
  'order.contract-approval': { zh: () => '审批已签署的委托加工合同' },
  'order.payment': {
    zh: (f, t) =>
      `登记${t.payload.invoiceKind === 'deposit' ? '定金' : t.payload.invoiceKind === 'balance' ? '尾款' : ''}收款${f.money ? `（待收 ${f.money}）` : ''}`,
    en: (f, t) =>
      `Record the ${t.payload.invoiceKind ? `${String(t.payload.invoiceKind)} ` : ''}payment${f.money ? ` (${f.money} outstanding)` : ''}`,
  },
  'order.statement-entry': { zh: () => '审批挂账（月结赊销发货）' },
  'order.kitting': {
    zh: (f) =>
      /^Confirm/.test(f.title)
        ? `确认欠料已到${f.round ? `（第 ${f.round} 次检查）` : ''}`
        : '备料（库存 / 采购交期 / 客供料）',
  },
  'order.stencil': { zh: () => '准备钢网' },
  'order.program': { zh: () => '准备贴片机程序' },
  'order.reflow-profile': { zh: () => '在炉温测试板上制作回流焊温度曲线' },
  'order.line-slot': { zh: () => '预约产线档期' },
  'order.build-samples': { zh: (f) => `制作打样样品${f.round ? `（第 ${f.round} 轮）` : ''}` },
  'order.sample-approval': { zh: (f) => `审批打样样品${f.round ? `（第 ${f.round} 轮）` : ''}` },
  'order.progress': {
    zh: (f) => {
      const m = /\((\d+) of (\d+) assembled\)/.exec(f.title);
      return `上报批量生产进度${m ? `（已组装 ${m[1]} / ${m[2]}）` : ''}`;
    },
  },
  'order.inspection': {
    zh: (f) => `检验批次 ${f.lot}${f.round ? `（第 ${f.round} 轮${f.count ? `，${f.count} 件` : ''}）` : ''}`,
  },
  'order.rework': {
    zh: (f) => {
      const n = /Rework (\d+)/.exec(f.title)?.[1];
      const rebuilt = /rebuild (\d+)/.exec(f.title)?.[1];
      return `返工批次 ${f.lot} 的 ${n ?? ''} 件不良品${rebuilt ? `，并重做 ${rebuilt} 件报废品` : ''}`;
    },
  },
  'order.shipment-booking': { zh: () => '预订承运商' },
  'order.delivery': { zh: () => '确认客户签收' },
  // The server's titles carry the amounts in minor units ("30000 CNY minor units"): said again in money.
  'order.refund': {
    zh: (f) => `核算已取消订单的退款（${f.money ? `已收 ${f.money}，` : ''}扣除已采购物料、工装费用）`,
    en: (f) => `Work out the refund of the cancelled order${f.money ? ` (${f.money} paid)` : ''}`,
  },
  'order.refund-payout': {
    zh: (f) => `支付已批准的退款${f.money ? ` ${f.money} ` : ''}并登记（支付日期、银行流水号）`,
    en: (f) => `Pay out the approved refund${f.money ? ` of ${f.money}` : ''} and record it`,
  },
  'order.money-approval': {
    zh: (f, t) =>
      t.payload.what === 'refund'
        ? `复核退款${f.money ? ` ${f.money}` : ''}（四眼原则：制单人以外的人审批）`
        : t.payload.what === 'statement_entry'
          ? `复核挂账${f.money ? ` ${f.money}` : ''}（四眼原则：制单人以外的人审批）`
          : '复核款项（四眼原则）',
    en: (f, t) =>
      t.payload.what === 'refund'
        ? `Approve the refund${f.money ? ` of ${f.money}` : ''}`
        : t.payload.what === 'statement_entry'
          ? `Approve the statement entry${f.money ? ` of ${f.money}` : ''}`
          : f.title,
  },
  'quote.engineering-review': {
    zh: (f) => `工程审核报价 ${f.ref}${f.rev ? ` 第 ${f.rev} 版` : ''}`,
    en: (f) => `Review quote ${f.ref}${f.rev ? ` r${f.rev}` : ''}`,
  },
  'quote.price-approval': {
    zh: (f) => `审批报价 ${f.ref}${f.rev ? ` 第 ${f.rev} 版` : ''} 的工程改价（四眼原则）`,
    en: (f) => `Approve the price change on quote ${f.ref}${f.rev ? ` r${f.rev}` : ''}`,
  },
  'quote.corrected-files': { zh: (f) => `上传报价 ${f.ref} 的修正文件` },
  'quote.customer-decision': { zh: (f) => `报价 ${f.ref}${f.rev ? ` 第 ${f.rev} 版` : ''}：接受、要求修改或拒绝` },
  'rma.quality-report': { zh: (f) => `填写返修单 ${f.ref} 的品质异常报告（24 小时）` },
  'rma.site-visit': {
    zh: (f) =>
      `到 ${f.name.replace(/ for RMA.*$/, '')} 现场确认返修单 ${f.ref}${/\(urgent\)/.test(f.title) ? '（紧急）' : ''}`,
  },
  'rma.return-acceptance': { zh: (f) => `受理或拒绝返修单 ${f.ref} 的退货` },
  'rma.receive-units': {
    zh: (f) =>
      /faulty units/.test(f.title)
        ? `接收返修单 ${f.ref} 的不良品（换货）`
        : `接收返修单 ${f.ref} 的退回产品（当天，贴标签）`,
  },
  'rma.classify': { zh: (f) => `分类并分析返修单 ${f.ref}（${/R&D/.test(f.title) ? '研发部' : '技术部'}）` },
  'rma.count-difference': { zh: (f) => `处理返修单 ${f.ref} 的数量差异（货物、单据与数量不符）` },
  'rma.repair-payment': { zh: (f) => `登记返修单 ${f.ref} 的维修付款` },
  'rma.repair-quote': { zh: (f) => `为返修单 ${f.ref} 做有偿维修报价${f.count ? `（${f.count} 件）` : ''}` },
  'rma.quote-confirmation': { zh: (f) => `确认返修单 ${f.ref} 的有偿维修${f.money ? `：${f.money}` : ''}` },
  'rma.disassembly': { zh: (f) => `拆解返修单 ${f.ref} 的 ${f.count} 件产品` },
  'rma.ipqc': { zh: (f) => `IPQC：确认返修单 ${f.ref} 的回收零件` },
  'rma.repair-date': { zh: (f) => `承诺返修单 ${f.ref} 的维修日期${f.date ? `（计划 ${f.date}）` : ''}` },
  'rma.no-repair-date': { zh: (f) => `告知客户：返修单 ${f.ref} 暂无维修日期` },
  'rma.material-arrived': {
    zh: (f) =>
      `返修单 ${f.ref} 的维修物料${/^(\S+) material/.exec(f.title)?.[1] ? `（${/^(\S+) material/.exec(f.title)?.[1]}）` : ''}到货了吗？`,
  },
  'rma.repair': { zh: (f) => `维修返修单 ${f.ref} 的 ${f.count} 件产品` },
  'rma.qa-check': {
    zh: (f) => (/Outgoing/.test(f.title) ? `返修单 ${f.ref} 出货检验` : `品质确认返修单 ${f.ref} 的维修品`),
  },
  'rma.warehouse-done': {
    zh: (f) =>
      /^Pack/.test(f.title)
        ? `包装返修单 ${f.ref} 的维修品`
        : /[Ss]crap/.test(f.title)
          ? `报废返修单 ${f.ref} 的产品`
          : `仓库确认返修单 ${f.ref} 的步骤已完成`,
  },
  'rma.shipment': { zh: (f) => `发货：返修单 ${f.ref}` },
  'rma.faulty-return': { zh: (f) => `接收返修单 ${f.ref} 换货后退回的不良品` },
  'rma.invoice-unreturned': { zh: (f) => `为返修单 ${f.ref} 未退回的不良品向客户开票` },
  'rma.refund-decision': {
    zh: (f) => (/^Approve/.test(f.title) ? `批准返修单 ${f.ref} 的退款` : `审核返修单 ${f.ref} 的退款`),
  },
  'rma.refund-payment': { zh: (f) => `支付返修单 ${f.ref} 的退款` },
  'rma.customer-confirmation': { zh: (f) => `确认已收到返修单 ${f.ref} 的退款` },
  'rma.close-report': { zh: (f) => `关闭返修单 ${f.ref} 的品质异常报告` },
  'rma.confirm-claims': { zh: (f) => `核实返修单 ${f.ref} 的客户申报信息（销售 / 生产日期、数量）` },
  'rma.resolution-exception': {
    zh: (f) => `特批返修单 ${f.ref} 的${/refund/.test(f.title) ? '退款' : '换货'}（规则不允许）`,
  },
  'rma.refund-inspection': { zh: (f) => `检验返修单 ${f.ref} 退款退回的产品` },
  'rma.quality-review': {
    zh: (f) => (/meeting/.test(f.title) ? `召开返修单 ${f.ref} 的品质检讨会` : `处理返修单 ${f.ref} 的品质异常处理单`),
  },
};

/** A task's title in the reader's language. */
export function taskTitle(task: TitledTask, lang: Lang): string {
  // A workflow started before the kind rename still reports the old name in its queries.
  const template = TITLES[currentTaskKind(task.kind) as TaskKindName];
  if (!template) return lang === 'zh' ? `任务：${humanize(task.kind)}` : task.title;
  const pick = lang === 'zh' ? template.zh : template.en;
  if (!pick) return task.title;
  return pick(factsOf(task, lang), task).replace(/\s+/g, ' ').trim();
}

/** What a price line's words are made from: the pricing's own line type (`domain/quote/pricing.ts`). */
export type PriceLine = Pick<LineItem, 'code' | 'description' | 'quantity' | 'unit'>;

/** A price line's description in the reader's language (English as priced; Chinese from its code and figures). */
export function lineDescription(line: PriceLine, lang: Lang): string {
  if (lang === 'en') return line.description;
  const d = line.description;
  const code = line.code;
  if (code === 'pcb-engineering') return `PCB 工程费（CAM）${/(\d+) layers/.exec(d)?.[1] ?? ''} 层`;
  if (code === 'pcb-boards') {
    const m = /PCB (\d+) layers, ([\d.]+) × ([\d.]+) mm \(([\d.]+) cm²\)/.exec(d);
    const discount = /(\d+) % quantity discount/.exec(d)?.[1];
    return m
      ? `PCB ${m[1]} 层板，${m[2]} × ${m[3]} mm（${m[4]} cm²）${discount ? `，数量折扣 ${discount} %` : ''}`
      : 'PCB 板';
  }
  if (code === 'pcb-minimum') return 'PCB 最低消费';
  if (code === 'stencil') return `钢网（激光切割不锈钢，${/frameless/.test(d) ? '无框' : '有框'}）`;
  if (code === 'smt-setup') return '贴片开机费：机器编程、首件检验';
  if (code === 'smt-second-side') return '第二面开机费（双面贴装）';
  if (code === 'feeder-loading') return '上料费（每种贴片物料）';
  if (code === 'tht-setup') return '插件准备费（每种插件物料）';
  if (code === 'smt-joints') return `SMT 贴装，每板 ${/(\d+) joints/.exec(d)?.[1] ?? ''} 个焊点`;
  if (code === 'tht-joints') return `插件焊接，每板 ${/(\d+) joints/.exec(d)?.[1] ?? ''} 个焊点`;
  if (code === 'assembly-minimum') return '贴片最低消费';
  if (code === 'consigned-handling') return '客供料：按 BOM 行收料与备料';
  if (code.startsWith('part:')) {
    const m = /— (.+), (\d+)\/board(?: \+ (\d+) spare)?$/.exec(d);
    return m ? `${m[1]}，每板 ${m[2]} 个${m[3] ? `，备品 ${m[3]} 个` : ''}` : code.slice(5);
  }
  if (code.startsWith('lead-time-')) {
    const m = /\((\d+) days\), ([\d.]+) %/.exec(d);
    return `${wordsOf(VALUES, code.slice('lead-time-'.length), 'zh')}交期${m ? `（${m[1]} 天），加工与贴片加收 ${m[2]} %` : ''}`;
  }
  return humanize(code);
}

/** A price line's unit ("board", "joint" …) in the reader's language. */
export function unitWord(unit: string, lang: Lang): string {
  return wordsOf(VALUES, unit, lang);
}

/** Why an engineer reviews a quote, in the reader's language (the pricing's reasons have a fixed wording). */
export function reviewReason(reason: string, lang: Lang): string {
  if (lang === 'en') return reason;
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [
      /^the files have (\d+) error\(s\): (.+)$/,
      (m) =>
        `文件有 ${m[1]} 个错误：${m[2]
          .split(', ')
          .map((c) => wordsOf(CHECKLIST, c, 'zh'))
          .join('、')}`,
    ],
    [/^(\d+) copper layers: more than the (\d+)/, (m) => `${m[1]} 层铜：超过自动报价的 ${m[2]} 层`],
    [/^the board size is unknown/, () => '板子尺寸未知'],
    [
      /^board ([\d.]+) × ([\d.]+) mm is larger than ([\d.]+) × ([\d.]+) mm/,
      (m) => `板子 ${m[1]} × ${m[2]} mm 大于 ${m[3]} × ${m[4]} mm`,
    ],
    [/^board side ([\d.]+) mm is below ([\d.]+) mm/, (m) => `板边 ${m[1]} mm 小于 ${m[2]} mm`],
    [/^smallest drill ([\d.]+) mm is below ([\d.]+) mm/, (m) => `最小孔径 ${m[1]} mm 小于 ${m[2]} mm`],
    [/^quantity (\d+) is above the (\d+)/, (m) => `数量 ${m[1]} 超过自动报价上限 ${m[2]}`],
    [/^assembly was asked for but no BOM was given/, () => '要求贴片但没有提供 BOM'],
    [/^assembly was asked for but no placement \(CPL\) file was given/, () => '要求贴片但没有提供坐标文件（CPL）'],
    [/^(\d+) BOM lines: more than (\d+)/, (m) => `BOM 共 ${m[1]} 行：超过 ${m[2]} 行`],
    [/^parts not in the catalog, to be sourced: (.+)$/, (m) => `物料库中没有的物料，需要采购：${m[1]}`],
    [/^unknown lead time "(.+)"/, (m) => `未知交期“${m[1]}”`],
    [/^the file set is incomplete: (.+)$/s, (m) => `文件不齐全：${missingFilesWords(m[1])}`],
  ];
  for (const [re, say] of rules) {
    const m = re.exec(reason);
    if (m) return say(m);
  }
  return `需要人工审核（${reason}）`;
}

const SIDE: Record<string, string> = { top: '顶层', bottom: '底层' };

/** What is missing from a file set (`domain/quote/file-set.ts` messages, joined by "; "), in Chinese. */
const MISSING_FILES: [RegExp, (m: RegExpExecArray) => string][] = [
  [
    /Only board files were sent: say whether you want bare boards only, or send the BOM and placement file for assembly/g,
    () => '只收到板子文件：请说明只做光板，还是补充 BOM 和坐标文件以便贴片',
  ],
  [
    /The bare boards are your own and no assembly was asked for: there is nothing to make/g,
    () => '光板由您提供且未要求贴片：没有需要加工的内容',
  ],
  [
    /No (top|bottom) copper layer \(pads and tracks\)(; declare it absent if the board is single-sided)?/g,
    (m) => `缺少${SIDE[m[1]]}铜层（焊盘和走线）${m[2] ? '，单面板请声明没有该层' : ''}`,
  ],
  [
    /(\d+) inner copper layer\(s\): a multilayer board has inner layers in pairs, so one is missing/g,
    (m) => `内层铜 ${m[1]} 层：多层板的内层成对出现，缺少一层`,
  ],
  [
    /No drill \(through-hole\) file; declare it absent if the board truly has no holes/g,
    () => '缺少钻孔文件，板上确实没有孔请声明没有该文件',
  ],
  [
    /No (top|bottom) solder mask layer; declare it absent if the \w+ side has no mask/g,
    (m) => `缺少${SIDE[m[1]]}阻焊层，该面没有阻焊请声明没有该层`,
  ],
  [
    /No (top|bottom) silkscreen \(legend\) layer; declare it absent if the \w+ side has no legend/g,
    (m) => `缺少${SIDE[m[1]]}丝印层，该面没有丝印请声明没有该层`,
  ],
  [/Assembly asked for but no BOM was sent/g, () => '要求贴片但没有提供 BOM'],
  [
    /Assembly asked for but no placement \(pick-and-place coordinates\) file was sent/g,
    () => '要求贴片但没有提供坐标文件',
  ],
  [
    /Parts on the (top|bottom) side but no \w+ paste layer: no stencil can be cut \(send the paste layer, or supply the stencil yourself\)/g,
    (m) => `${SIDE[m[1]]}有元件但没有锡膏层，无法开钢网（请提供锡膏层，或自备钢网）`,
  ],
];

export function missingFilesWords(text: string): string {
  const found: { at: number; words: string }[] = [];
  for (const [re, say] of MISSING_FILES)
    for (const m of text.matchAll(re)) found.push({ at: m.index, words: say(m as RegExpExecArray) });
  return found.length
    ? found
        .sort((a, b) => a.at - b.at)
        .map((f) => f.words)
        .join('；')
    : text;
}

/** A task kind's name for filters and lists: its title without the case's figures. */
export function kindName(oldOrCurrent: string, lang: Lang): string {
  const kind = currentTaskKind(oldOrCurrent);
  const template = TITLES[kind as TaskKindName];
  if (!template) return humanize(kind.replace(/^[a-z]+\./, ''));
  if (lang === 'en') return humanize(kind.replace(/^(order|rma|quote|customer)\./, ''));
  const empty: Facts = { ref: '', lot: '', round: '', rev: '', count: '', name: '', money: '', date: '', title: '' };
  return template
    .zh(empty, { kind, title: '', payload: {} })
    .replace(/（[^）]*）/g, '')
    .replace(/\s+/g, ' ')
    .replace(/ (的|：)/g, '$1')
    .trim();
}

/** The kind of case a task belongs to ("quote", "order", "rma", "customer" …) in words. */
export function caseTypeName(caseType: string, lang: Lang): string {
  const type = caseType.toLowerCase();
  const names: [string, string, string][] = [
    ['quote', 'Quote', '报价'],
    ['order', 'Order', '订单'],
    ['lot', 'Order', '订单'],
    ['production', 'Order', '订单'],
    ['rma', 'RMA', '返修单'],
    ['customer', 'Customer', '客户'],
  ];
  const hit = names.find(([prefix]) => type.startsWith(prefix));
  return hit ? (lang === 'zh' ? hit[2] : hit[1]) : humanize(caseType);
}

/** What each kind of refusal means, said in Chinese when the message itself has no translation below. */
const REFUSAL_ZH: Record<string, string> = {
  validation_failed: '输入有误',
  business_rule: '不符合业务规则',
  conflict: '当前状态不允许此操作',
  forbidden: '无权执行此操作',
  'csrf-origin-mismatch': '无权执行此操作',
  not_found: '找不到该记录',
  unauthenticated: '请先登录',
  payload_too_large: '文件或内容过大',
  rate_limited: '请求过于频繁，请稍后再试',
  unavailable: '服务暂时不可用，请稍后再试',
  internal: '系统出错，请稍后再试',
};

/**
 * The API's refusals in the reader's language. The ones people meet (the field builders' fixed wording in
 * `domain/shared/fields.ts`, the four-eyes rule, the re-audit interval, the task and login refusals, file checks)
 * are translated, with any day written the reader's way in both languages. Any other refusal is said in Chinese by
 * its kind (`code`) and the field it names, followed by the server's own words marked as such, so a Chinese reader
 * always reads what happened and support can still find the exact message.
 */
export function apiMessage(message: string, lang: Lang, code?: string): string {
  const day = (iso: string) => formatDate(iso, lang);
  const rules: [RegExp, (m: RegExpExecArray) => string, ((m: RegExpExecArray) => string)?][] = [
    [
      /must be today \((\d{4}-\d{2}-\d{2})\) or earlier/,
      (m) => `不能晚于今天（${day(m[1])}）`,
      (m) => `must be today (${day(m[1])}) or earlier`,
    ],
    [
      /must be today \((\d{4}-\d{2}-\d{2})\) or later/,
      (m) => `不能早于今天（${day(m[1])}）`,
      (m) => `must be today (${day(m[1])}) or later`,
    ],
    [/must not be empty/, () => '不能为空'],
    [/must be at least (\d+) characters/, (m) => `至少 ${m[1]} 个字符`],
    [/must be at most (\d+) characters/, (m) => `最多 ${m[1]} 个字符`],
    [/must be a real calendar date as YYYY-MM-DD/, () => '必须是真实存在的日期'],
    [/must not be in the future/, () => '不能晚于现在'],
    [/must not contain NUL.*$/, () => '不能包含控制字符'],
    [/the file name must not contain control characters/, () => '文件名不能包含控制字符'],
    [
      /must be approved by someone other than the person who asked for it/,
      () => '必须由申请人以外的人审批（四眼原则）',
    ],
    [
      /must be done by someone other than the person who approved this refund \(four eyes\)/,
      () => '批准此退款的人不能同时登记其支付，须由他人办理（四眼原则）',
    ],
    [
      /a re-audit may be requested from (\d{4}-\d{2}-\d{2}) \(30 days after the failed audit\)/,
      (m) => `自 ${day(m[1])} 起才可申请重新验厂（验厂未通过后 30 天）`,
      (m) => `a re-audit may be requested from ${day(m[1])} (30 days after the failed audit)`,
    ],
    [/task was completed by someone else just now/, () => '该任务刚刚已由他人完成'],
    [/the task was claimed by someone else or is no longer open/, () => '该任务已被他人认领或已关闭'],
    [/^task is already \w+|^the task is \w+/, () => '该任务已不在待办状态'],
    [/the process waiting for this task has already finished/, () => '等待此任务的流程已经结束'],
    [/the order process is not running/, () => '订单流程未在运行'],
    [/^the step "[^"]*" is not open/, () => '该步骤当前未开放'],
    [
      /this task is for the \w+ role|requires one of the roles|not allowed for your role/,
      () => '您的角色无权执行此操作',
    ],
    [/^you may (claim|list) (a task|only tasks)/, () => '只能认领或查看属于自己的任务'],
    [
      /customers may ask for quotes only for themselves|customers open RMAs only for themselves/,
      () => '客户只能为自己提交',
    ],
    [/not linked to a customer/, () => '您的账户未关联客户'],
    [/email or password is wrong/, () => '邮箱或密码错误'],
    [/session expired or token invalid/, () => '登录已过期，请重新登录'],
    [/^authentication required$/, () => '请先登录'],
    [/too many (failed logins|login attempts)/, () => '登录尝试次数过多，请稍后再试'],
    [/too many uploads at once/, () => '同时上传的文件过多，请稍后再试'],
    [/the workflow engine is unreachable/, () => '流程引擎暂时无法连接，请稍后再试'],
    [/file is larger than \d+ bytes|at most \d+ bytes/, () => '文件过大'],
    [/file is empty|empty files are not evidence/, () => '文件为空'],
    [/at least one file is required/, () => '至少需要一个文件'],
    [/a zip archive of the Gerber and drill files is required/, () => '需要包含 Gerber 和钻孔文件的 zip 压缩包'],
    [/not a readable zip archive/, () => '无法读取该 zip 压缩包'],
    [/corrected files are required/, () => '需要上传修正后的文件'],
    [/a user with email \S+ already exists/, () => '使用该邮箱的用户已存在'],
    [/a customer with code \S+ already exists/, () => '该客户代码已存在'],
    [/you may not deactivate yourself/, () => '不能停用自己的账户'],
    [/you may not remove your own admin role/, () => '不能移除自己的管理员角色'],
    // Money, counts and states the order rules refuse (domain/order, domain/customer); amounts as the server wrote them.
    [/the amount (.+) exceeds the (.+) outstanding/, (m) => `金额 ${m[1]} 超过未付余额 ${m[2]}`],
    [
      /the refund (.+) exceeds the (.+) that can still be refunded \(paid (.+), refunded (.+)\)/,
      (m) => `退款 ${m[1]} 超过可退金额 ${m[2]}（已付 ${m[3]}，已退 ${m[4]}）`,
    ],
    [/must be whole fen above 0|must be whole fen ≥ 0/, () => '金额必须为正数（精确到分）'],
    [/must be the outstanding (.+)$/, (m) => `必须等于未付金额 ${m[1]}`],
    [/exceeds the (.+) the customer paid for these units/, (m) => `超过客户为这些产品支付的 ${m[1]}`],
    [/a payment needs a reference/, () => '收款需要填写参考号（银行流水号）'],
    [/reference (\S+) was already recorded with a different amount/, (m) => `参考号 ${m[1]} 已按不同金额登记过`],
    [/the invoice is in (\w+), the payment in (\w+)/, (m) => `发票币种为 ${m[1]}，收款币种为 ${m[2]}`],
    [/the credit limit may be at most ([\d,.]+)/, (m) => `信用额度最多为 ${m[1]}（客户币种）`],
    [/monthly settlement needs a credit limit above zero/, () => '月结需要大于零的信用额度'],
    [/prepay customers have no credit limit/, () => '预付客户没有信用额度'],
    [/(\S+) is not on the quoted BOM/, (m) => `${m[1]} 不在报价的 BOM 中`],
    [/this round must cover (\d+) unit\(s\); (\d+) were reported/, (m) => `本轮须检验 ${m[1]} 件，实际报告 ${m[2]} 件`],
    [/a failed unit serial is listed twice/, () => '不良品序列号重复'],
    [/a booking needs a tracking number/, () => '订舱需要运单号'],
    [/a conditional result needs at least one corrective action/, () => '有条件通过至少需要一项整改措施'],
    [/quantityDone (\d+) exceeds the order quantity (\d+)/, (m) => `完成数量 ${m[1]} 超过订单数量 ${m[2]}`],
    [/quantityDone is cumulative: \S+ already reported (\d+)/, (m) => `完成数量为累计值：该工序已报告 ${m[1]}`],
    [/\S+ cannot be ahead of \S+ \((\d+) done\)/, (m) => `不能超过上一工序的完成数量（${m[1]}）`],
    [/the lot is \S+, not (awaiting inspection|in rework)/, () => '该批次当前状态不允许此操作'],
    [/the order is already cancelled/, () => '订单已取消'],
    [/goods released to the carrier cannot be cancelled/, () => '货物已交承运商，订单不能取消'],
    [/^the contract is \S+[;,]/, () => '合同当前状态不允许此操作'],
    [/(.+) not found$/, () => '找不到该记录'],
    [/^Failed to fetch$|^NetworkError|^Load failed$/, () => '无法连接服务器，请检查网络后重试'],
  ];
  for (const [re, zh, en] of rules) {
    const m = re.exec(message);
    if (!m) continue;
    if (lang === 'zh') return zh(m);
    return en ? message.replace(re, en(m)) : message;
  }
  if (lang === 'en') return message;
  const field = /^([\w.[\]]+): /.exec(message)?.[1];
  const fieldWords = field
    ? wordsOf(
        FIELDS,
        field
          .split('.')
          .pop()!
          .replace(/\[\d+\]$/, ''),
        'zh',
      )
    : undefined;
  const what = REFUSAL_ZH[code ?? ''] ?? '请求未被接受';
  const named = fieldWords && /[\u4e00-\u9fff]/.test(fieldWords) ? `「${fieldWords}」${what}` : what;
  return `${named}（系统原文：${message}）`;
}
