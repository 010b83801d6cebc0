import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
/** The UI's pure helpers: SLA countdowns, schema-driven forms, API error placement, money, history in words. */
import { ageBucket, formatSpan, slaCountdown, ZH_UNITS } from '../../ui/src/lib/time';
import { buildData, fieldOfError, FieldValueError, formFields } from '../../ui/src/lib/schema-form';
import { parseAmountToFen } from '../../ui/src/lib/money';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  nowInputIn,
  todayIn,
  wallTimeToInstant,
} from '../../ui/src/lib/format';
import { actionWords, CHECKLIST, DECISIONS, FIELDS, STATUS, stepWords, VALUES } from '../../ui/src/i18n/codes';
import {
  apiMessage,
  kindName,
  lineDescription,
  missingFilesWords,
  reviewReason,
  taskTitle,
} from '../../ui/src/i18n/server-texts';
import { discoverTaskKinds } from '../../infra/launcher/discovery';
import { ORDER_STAGES } from '../../domain/order/contract';
import { z } from 'zod';
import { describeHistory, durationToMs, eventTypeName, mergeTimeline } from '../../ui/src/lib/history';
import { firstPassYield, quoteTurnaroundHours } from '../../ui/src/lib/metrics';
import { en, zh } from '../../ui/src/strings';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('SLA countdown', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it.each([
    [null, 'none', null],
    ['2026-11-25T12:00:00Z', 'ok', 86_400_000],
    ['2026-11-24T15:00:00Z', 'soon', 3 * 3_600_000],
    ['2026-11-24T11:00:00Z', 'overdue', -3_600_000],
  ])('due %s is %s', (due, state, remaining) => {
    expect(slaCountdown(due, now)).toEqual({ state, remainingMs: remaining });
  });

  it('prints the two largest units, in English and Chinese', () => {
    expect(formatSpan(26 * 3_600_000 + 5 * 60_000)).toBe('1 d 2 h');
    expect(formatSpan(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min');
    expect(formatSpan(-45 * 60_000)).toBe('45 min');
    expect(formatSpan(0)).toBe('0 min');
    expect(formatSpan(3 * 3_600_000, ZH_UNITS)).toBe('3 小时');
  });

  it('puts records into age buckets', () => {
    expect(ageBucket('2026-11-24T09:00:00Z', now)).toBe('lt4h');
    expect(ageBucket('2026-11-23T13:00:00Z', now)).toBe('lt24h');
    expect(ageBucket('2026-11-10T13:00:00Z', now)).toBe('ge7d');
  });
});

describe('generic task form from a JSON Schema', () => {
  const schema = {
    type: 'object',
    properties: {
      visitedOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      responsibility: { type: 'string', enum: ['customer', 'factory', 'shared'] },
      defectQuantity: { type: 'integer', minimum: 1 },
      urgent: { type: 'boolean' },
      units: { type: 'array', items: { type: 'object' } },
      symptoms: { type: 'string', maxLength: 2000 },
      arrivedAt: { type: 'string', format: 'date-time' },
      saleDate: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
    },
    required: ['visitedOn', 'defectQuantity'],
  };

  it('derives one input per property', () => {
    expect(formFields(schema).map((f) => [f.name, f.input, f.required])).toEqual([
      ['visitedOn', 'date', true],
      ['responsibility', 'select', false],
      ['defectQuantity', 'integer', true],
      ['urgent', 'boolean', false],
      ['units', 'json', false],
      ['symptoms', 'textarea', false],
      ['arrivedAt', 'datetime', false],
      ['saleDate', 'date', false],
    ]);
  });

  it('builds typed data, leaving empty optional fields out', () => {
    const fields = formFields(schema);
    expect(
      buildData(fields, {
        visitedOn: '2026-11-24',
        defectQuantity: ' 12 ',
        units: '[{"serial":"A1"}]',
        symptoms: '',
        urgent: true,
      }),
    ).toEqual({
      visitedOn: '2026-11-24',
      defectQuantity: 12,
      units: [{ serial: 'A1' }],
      urgent: true,
    });
  });

  it('names the field a typed value cannot become', () => {
    const fields = formFields(schema);
    expect(() => buildData(fields, { defectQuantity: '1.5' })).toThrow(FieldValueError);
    try {
      buildData(fields, { units: '[oops' });
    } catch (e) {
      expect((e as FieldValueError).field).toBe('units');
    }
  });

  it('takes money (`…Fen`) in yuan as people write it and sends whole fen; what is not an amount names the field', () => {
    const refund = formFields({
      type: 'object',
      properties: { materialsPurchasedFen: { type: 'integer', minimum: 0 }, toolingFen: { type: 'integer' } },
      required: ['materialsPurchasedFen', 'toolingFen'],
    });
    expect(refund.map((f) => f.input)).toEqual(['money', 'money']);
    expect(buildData(refund, { materialsPurchasedFen: '1,250.5', toolingFen: '0' })).toEqual({
      materialsPurchasedFen: 125_050,
      toolingFen: 0,
    });
    expect(() => buildData(refund, { materialsPurchasedFen: '12.345' })).toThrow(
      new FieldValueError('materialsPurchasedFen', 'must be an amount'),
    );
  });

  it('edits a list of flat records as rows: one column per property, empty rows left out, errors naming the cell', () => {
    const units = {
      type: 'object',
      properties: {
        units: {
          type: 'array',
          maxItems: 5,
          items: {
            type: 'object',
            properties: {
              serial: { type: 'string' },
              classification: { type: 'string', enum: ['good', 'scrap'] },
              count: { type: 'integer' },
              inStock: { type: 'boolean' },
            },
            required: ['serial', 'classification'],
          },
        },
      },
    };
    const [field] = formFields(units);
    expect(field.input).toBe('rows');
    expect(field.maxItems).toBe(5);
    expect(field.columns?.map((c) => [c.name, c.input, c.required])).toEqual([
      ['serial', 'text', true],
      ['classification', 'select', true],
      ['count', 'integer', false],
      ['inStock', 'boolean', false],
    ]);
    expect(buildData([field], { units: [] })).toEqual({});
    const rows = [
      { serial: ' A1 ', classification: 'good', count: '2', inStock: true },
      { serial: '', classification: '', count: '', inStock: false },
      { serial: 'A2', classification: 'scrap', count: '', inStock: false },
    ];
    expect(buildData([field], { units: rows })).toEqual({
      units: [
        { serial: 'A1', classification: 'good', count: 2, inStock: true },
        { serial: 'A2', classification: 'scrap', inStock: false },
      ],
    });
    try {
      buildData([field], { units: [{ serial: 'A1', classification: 'good', count: '1.5' }] });
      throw new Error('expected a FieldValueError');
    } catch (e) {
      expect((e as FieldValueError).field).toBe('units.0.count');
    }
    expect(fieldOfError({ field: 'data.units.0.serial', message: 'x' }, ['units.0.serial', 'units'])).toBe(
      'units.0.serial',
    );
  });

  it('asks nobody to type JSON: every task kind without a form of its own gets controls and rows only', () => {
    // Kinds drawn by a dedicated form (ui/src/components/task-forms/index.tsx) edit their lists themselves.
    const dedicated = new Set([
      'quote.engineering-review',
      'order.contract-signature',
      'order.contract-approval',
      'order.kitting',
      'order.inspection',
      'order.payment',
      'rma.site-visit',
    ]);
    const json = discoverTaskKinds()
      .filter((k) => !dedicated.has(k.kind))
      .flatMap((k) =>
        formFields(z.toJSONSchema(k.data, { unrepresentable: 'any' }) as never)
          .filter((f) => f.input === 'json')
          .map((f) => `${k.kind}.${f.name}`),
      );
    expect(json).toEqual([]);
    const rows = (kind: string) =>
      formFields(
        z.toJSONSchema(discoverTaskKinds().find((k) => k.kind === kind)!.data, { unrepresentable: 'any' }) as never,
      )
        .filter((f) => f.input === 'rows')
        .map((f) => f.name);
    expect(rows('rma.receive-units')).toEqual(['units']);
    expect(rows('rma.classify')).toEqual(['units', 'materials']);
    expect(rows('customer.audit-result')).toEqual(['correctiveActions']);
  });

  it("reads a date-and-time input as the factory's wall clock, whatever the browser's zone", () => {
    expect(wallTimeToInstant('2026-11-30T05:47', 'Asia/Shanghai')).toBe('2026-11-29T21:47:00.000Z');
    expect(wallTimeToInstant('2026-07-01T12:00', 'Europe/Berlin')).toBe('2026-07-01T10:00:00.000Z');
    expect(wallTimeToInstant('30/11/2026 05:47', 'Asia/Shanghai')).toBeNull();
    expect(nowInputIn('Asia/Shanghai', new Date('2026-11-29T21:47:30Z'))).toBe('2026-11-30T05:47');
    const [arrivedAt] = formFields({
      type: 'object',
      properties: { arrivedAt: { type: 'string', format: 'date-time' } },
    });
    expect(buildData([arrivedAt], { arrivedAt: '2026-11-30T05:47' }, { zone: 'Asia/Shanghai' })).toEqual({
      arrivedAt: '2026-11-29T21:47:00.000Z',
    });
  });

  it('places API validation errors next to the field they name', () => {
    const known = ['amountFen', 'reference', 'failedUnits'];
    expect(fieldOfError({ field: 'data.amountFen', message: 'data.amountFen: Too small' }, known)).toBe('amountFen');
    expect(fieldOfError({ field: 'data.failedUnits.0.defects.0.code', message: 'x' }, known)).toBe('failedUnits');
    expect(fieldOfError({ message: 'reference: Too small: expected string to have >=1 characters' }, known)).toBe(
      'reference',
    );
    expect(fieldOfError({ message: 'task is already completed' }, known)).toBeNull();
  });
});

describe('money', () => {
  it('formats and parses minor units', () => {
    expect(formatMoney(128577, 'CNY', 'en')).toBe('¥1,285.77');
    expect(formatMoney(128577, 'CNY', 'zh')).toBe('1,285.77 元');
    expect(formatMoney(-500, 'CNY', 'en')).toBe('-¥5.00');
    expect(formatMoney(1200, 'USD', 'en')).toBe('USD 12.00');
    expect(formatMoney(null)).toBe('—');
    expect(parseAmountToFen('¥1,285.77')).toBe(128577);
    expect(parseAmountToFen('1,234.5')).toBe(123450);
    expect(parseAmountToFen('12')).toBe(1200);
    expect(parseAmountToFen('12.345')).toBeNull();
    expect(parseAmountToFen('abc')).toBeNull();
  });
});

describe('Temporal history in readable words', () => {
  // Events in the JSON form of temporal.api.history.v1.HistoryEvent, as an API would forward them.
  const events = [
    {
      eventId: '1',
      eventTime: '2026-11-24T08:00:00Z',
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
      workflowExecutionStartedEventAttributes: { workflowType: { name: 'quoteWorkflow' } },
    },
    { eventId: '2', eventTime: '2026-11-24T08:00:00Z', eventType: 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' },
    {
      eventId: '5',
      eventTime: '2026-11-24T08:00:01Z',
      eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
      activityTaskScheduledEventAttributes: { activityType: { name: 'analyzeFiles' } },
    },
    {
      eventId: '6',
      eventTime: '2026-11-24T08:00:09Z',
      eventType: 'EVENT_TYPE_ACTIVITY_TASK_STARTED',
      activityTaskStartedEventAttributes: { scheduledEventId: '5', attempt: 3 },
    },
    {
      eventId: '7',
      eventTime: '2026-11-24T08:00:10Z',
      eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
      activityTaskCompletedEventAttributes: { scheduledEventId: '5', startedEventId: '6' },
    },
    {
      eventId: '8',
      eventTime: '2026-11-24T08:00:11Z',
      eventType: 'TimerStarted',
      timerStartedEventAttributes: { timerId: '1', startToFireTimeout: '86400s' },
    },
    {
      eventId: '9',
      eventTime: '2026-11-24T08:00:12Z',
      eventType: 10,
      activityTaskScheduledEventAttributes: {
        activityType: { name: 'remindTask' },
        input: { payloads: [{ data: b64({ step: 'engineering-review-r1' }) }] },
      },
    },
    {
      eventId: '10',
      eventTime: '2026-11-24T08:00:13Z',
      eventType: 12,
      activityTaskCompletedEventAttributes: {
        scheduledEventId: '9',
        result: { payloads: [{ data: b64({ recipients: ['engineer@demo.local'], taskOpen: true }) }] },
      },
    },
    {
      eventId: '11',
      eventTime: { seconds: '1795600000' },
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
      workflowExecutionSignaledEventAttributes: {
        signalName: 'taskCompleted',
        input: {
          payloads: [
            {
              data: b64({
                step: 'engineering-review-r1',
                decision: 'approve',
                completedBy: { email: 'engineer@demo.local' },
              }),
            },
          ],
        },
      },
    },
    {
      eventId: '12',
      eventTime: '2026-11-25T08:00:11Z',
      eventType: 'EVENT_TYPE_TIMER_FIRED',
      timerFiredEventAttributes: { timerId: '1', startedEventId: '8' },
    },
  ];

  it('normalises event type names', () => {
    expect(eventTypeName('EVENT_TYPE_TIMER_STARTED')).toBe('TimerStarted');
    expect(eventTypeName(17)).toBe('TimerStarted');
    expect(eventTypeName('TimerFired')).toBe('TimerFired');
    expect(durationToMs('86400s')).toBe(86_400_000);
    expect(durationToMs({ seconds: '90', nanos: 500_000_000 })).toBe(90_500);
  });

  it('tells timers, retries, reminders and task signals in words, leaving bookkeeping out', () => {
    expect(describeHistory(events).map((l) => l.text)).toEqual([
      'Workflow quoteWorkflow started',
      'Activity analyzeFiles retried 2 times',
      'Activity analyzeFiles completed',
      'Timer: 1 d',
      'Reminder sent to engineer@demo.local',
      'Task Engineering review (1) completed: Approve by engineer@demo.local',
      'Timer fired (1 d)',
    ]);
    expect(describeHistory(events, 'zh')[3].text).toBe('计时器：1 天');
  });

  it('leaves out read-model projections and repeated lines', () => {
    const stage = (id: string) => ({
      eventId: id,
      eventTime: '2026-11-24T08:00:00Z',
      eventType: 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES',
      upsertWorkflowSearchAttributesEventAttributes: {
        searchAttributes: { indexedFields: { Stage: { data: b64('analysing') } } },
      },
    });
    const projection = [
      {
        eventId: '3',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
        activityTaskScheduledEventAttributes: { activityType: { name: 'projectQuoteStage' } },
      },
      {
        eventId: '4',
        eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
        activityTaskCompletedEventAttributes: { scheduledEventId: '3' },
      },
    ];
    expect(describeHistory([stage('1'), stage('2'), ...projection]).map((l) => l.text)).toEqual(['Stage: Analysing']);
  });

  it('merges with audit lines in time order and keeps the raw event', () => {
    const merged = mergeTimeline(
      [{ at: '2026-11-24T08:00:05Z', source: 'audit', text: 'quote.create', raw: { action: 'quote.create' } }],
      describeHistory(events),
    );
    expect(merged.map((l) => l.source).slice(0, 3)).toEqual(['workflow', 'audit', 'workflow']);
    expect(merged[0].raw).toBe(events[0]);
  });
});

describe('dashboard figures', () => {
  it('measures quote turnaround from creation to the first issue', () => {
    const quotes = [
      { id: 'q1', reference: 'Q-1', createdAt: '2026-11-24T00:00:00Z' },
      { id: 'q2', reference: 'Q-2', createdAt: '2026-11-24T00:00:00Z' },
    ];
    const tasks = [
      { caseId: 'q1', step: 'customer-decision-r2', createdAt: '2026-11-25T06:00:00Z' },
      { caseId: 'q1', step: 'customer-decision-r1', createdAt: '2026-11-24T06:00:00Z' },
    ];
    expect(quoteTurnaroundHours(quotes, tasks)).toEqual([{ reference: 'Q-1', hours: 6 }]);
  });

  it('counts only the first inspection round of each lot in the first-pass yield', () => {
    const fpy = firstPassYield([
      { lotIndex: 1, kind: 'aoi', passedCount: 9, failedUnits: [{ serial: 'A' }] },
      { lotIndex: 1, kind: 'aoi', passedCount: 1, failedUnits: [] },
      { lotIndex: 2, kind: 'aoi', passedCount: 10, failedUnits: [] },
    ]);
    expect(fpy.rounds).toBe(2);
    expect(fpy.yield).toBeCloseTo(19 / 20);
  });
});

describe('strings', () => {
  it('has a Chinese string for every English one, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key]).toBeTruthy();
      const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect([key, placeholders(zh[key])]).toEqual([key, placeholders(en[key])]);
    }
  });
});

describe("the factory's formats", () => {
  it('shows instants in the factory zone with the zone named, for each language', () => {
    // 16:30 UTC is half past midnight the next day in Shanghai.
    expect(formatDateTime('2026-11-29T16:30:00Z', 'en', 'Asia/Shanghai')).toBe('30 Nov 2026, 00:30 GMT+8');
    expect(formatDateTime('2026-11-29T16:30:00Z', 'zh', 'Asia/Shanghai')).toBe('2026年11月30日 00:30（北京时间）');
    expect(formatDateTime('2026-11-29T16:30:00Z', 'en', 'Europe/Berlin')).toBe('29 Nov 2026, 17:30 GMT+1');
    expect(formatDateTime(null, 'en')).toBe('—');
  });

  it("writes calendar dates as dates, and knows the factory's today", () => {
    expect(formatDate('2026-12-29', 'en')).toBe('29 Dec 2026');
    expect(formatDate('2026-12-29', 'zh')).toBe('2026年12月29日');
    // A finance "received on" default after midnight in Shanghai is already the next day there.
    expect(todayIn('Asia/Shanghai', new Date('2026-11-29T16:30:00Z'))).toBe('2026-11-30');
    expect(todayIn('UTC', new Date('2026-11-29T16:30:00Z'))).toBe('2026-11-29');
  });
});

describe('the catalogue of server codes', () => {
  const kinds = discoverTaskKinds();

  it('names every task kind, decision and data field in Chinese', () => {
    const missing: string[] = [];
    for (const k of kinds) {
      const title = taskTitle({ kind: k.kind, title: 'x', payload: {} }, 'zh');
      if (/[A-Za-z]{3,}/.test(title.replace(/IPQC/, ''))) missing.push(`title of ${k.kind}: ${title}`);
      for (const d of k.decisions) if (!DECISIONS[d]) missing.push(`decision ${d} of ${k.kind}`);
      const schema = z.toJSONSchema(k.data, { unrepresentable: 'any' }) as {
        properties?: Record<string, { enum?: string[] }>;
      };
      for (const [field, spec] of Object.entries(schema.properties ?? {})) {
        if (!FIELDS[field]) missing.push(`field ${field} of ${k.kind}`);
        for (const v of spec.enum ?? []) if (!VALUES[v]) missing.push(`value ${v} of ${k.kind}.${field}`);
      }
    }
    for (const stage of ORDER_STAGES) if (!STATUS[stage]) missing.push(`order stage ${stage}`);
    expect(missing).toEqual([]);
  });

  it('says task titles in Chinese from their figures, and formats the English ones with raw figures', () => {
    const payment = {
      kind: 'order.payment',
      title: 'Record the deposit payment (128577 CNY minor units outstanding)',
      payload: { invoiceKind: 'deposit', outstandingFen: 128577, currency: 'CNY' },
    };
    expect(taskTitle(payment, 'en')).toBe('Record the deposit payment (¥1,285.77 outstanding)');
    expect(taskTitle(payment, 'zh')).toBe('登记定金收款（待收 1,285.77 元）');
    const inspect = {
      kind: 'order.inspection',
      title: 'Inspect lot SO-1-L1 (round 2, 1 unit(s))',
      payload: { lotIndex: 1, lotNumber: 'SO-1-L1', unitsToInspect: 1, round: 2 },
    };
    expect(taskTitle(inspect, 'zh')).toBe('检验批次 SO-1-L1（第 2 轮，1 件）');
    const review = {
      kind: 'quote.engineering-review',
      title: 'Review quote Q-20261129-ABC123 r1: assembly was asked for but no placement (CPL) file was given',
      payload: { reference: 'Q-20261129-ABC123', revision: 1 },
    };
    expect(taskTitle(review, 'zh')).toBe('工程审核报价 Q-20261129-ABC123 第 1 版');
    // Refund titles carry minor units ("30000 CNY minor units"): said in money in both languages.
    const payout = {
      kind: 'order.refund-payout',
      title: 'Pay out the approved refund of 25000 CNY minor units and record it',
      payload: { what: 'refund', amountFen: 25_000, currency: 'CNY' },
    };
    expect(taskTitle(payout, 'en')).toBe('Pay out the approved refund of ¥250.00 and record it');
    expect(taskTitle(payout, 'zh')).toBe('支付已批准的退款 250.00 元 并登记（支付日期、银行流水号）');
    const prepare = {
      kind: 'order.refund',
      title: 'Work out the refund of the cancelled order (1200 USD minor units paid)',
      payload: { paidFen: 1_200, currency: 'USD', reason: 'x' },
    };
    expect(taskTitle(prepare, 'en')).toBe('Work out the refund of the cancelled order (USD 12.00 paid)');
    const approve = {
      kind: 'order.money-approval',
      title: 'Approve the refund of 25000 CNY minor units (5000 retained)',
      payload: { what: 'refund', amountFen: 25_000, retainedFen: 5_000, currency: 'CNY' },
    };
    expect(taskTitle(approve, 'en')).toBe('Approve the refund of ¥250.00');
    // A day in a title is written the reader's way.
    const audit = {
      kind: 'customer.audit-result',
      title: "Record the result of Acme Ltd's audit visit on 2026-12-02",
      payload: {},
    };
    expect(taskTitle(audit, 'en')).toBe("Record the result of Acme Ltd's audit visit on 2 Dec 2026");
    expect(taskTitle(audit, 'zh')).toBe('记录 Acme Ltd 的验厂结果（2026年12月2日）');
    for (const task of [payout, prepare, approve, audit])
      for (const lang of ['en', 'zh'] as const)
        expect(taskTitle(task, lang)).not.toMatch(/minor unit|\d{4}-\d{2}-\d{2}/);
    expect(kindName('order.inspection', 'zh')).toBe('检验批次');
    expect(stepWords('engineering-review-r2', 'zh')).toBe('工程审核（2）');
    expect(stepWords('contract:sign', 'en')).toBe('Contract signature');
    expect(stepWords('lot:1:rework:2', 'en')).toBe('Rework (2)');
  });

  it('says what an incomplete file set lacks in Chinese, each message of domain/quote/file-set.ts', () => {
    const reason =
      'the file set is incomplete: No bottom silkscreen (legend) layer; declare it absent if the bottom side has no legend; Assembly asked for but no placement (pick-and-place coordinates) file was sent; Parts on the top side but no top paste layer: no stencil can be cut (send the paste layer, or supply the stencil yourself)';
    const zh = reviewReason(reason, 'zh');
    expect(zh).toBe(
      '文件不齐全：缺少底层丝印层，该面没有丝印请声明没有该层；要求贴片但没有提供坐标文件；顶层有元件但没有锡膏层，无法开钢网（请提供锡膏层，或自备钢网）',
    );
    expect(zh).not.toMatch(/[A-Za-z]{3,}/);
    expect(
      missingFilesWords('No drill (through-hole) file; declare it absent if the board truly has no holes'),
    ).not.toMatch(/[a-z]{3,}/);
  });

  it('says price lines and review reasons in Chinese, and names every checklist code', () => {
    expect(
      lineDescription(
        {
          code: 'pcb-boards',
          description: 'PCB 2 layers, 68.58 × 53.34 mm (36.58 cm²), 10 % quantity discount',
          quantity: 50,
          unit: 'board',
        },
        'zh',
      ),
    ).toBe('PCB 2 层板，68.58 × 53.34 mm（36.58 cm²），数量折扣 10 %');
    expect(
      lineDescription(
        { code: 'smt-joints', description: 'SMT placement, 120 joints per board', quantity: 6000, unit: 'joint' },
        'zh',
      ),
    ).toBe('SMT 贴装，每板 120 个焊点');
    expect(reviewReason('assembly was asked for but no placement (CPL) file was given', 'zh')).toBe(
      '要求贴片但没有提供坐标文件（CPL）',
    );
    expect(reviewReason('the files have 2 error(s): copper-missing, parse-timeout', 'zh')).toBe(
      '文件有 2 个错误：没有铜层、文件解析超时',
    );
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('**Checklist codes**'), readme.indexOf('A customer declares a layer'));
    const codes = [...section.matchAll(/`([a-z0-9]+(?:-[a-z0-9*]+)+)`/g)]
      .map((m) => m[1])
      .filter((c) => !c.includes('*'));
    expect(codes.length).toBeGreaterThan(25);
    expect(codes.filter((c) => !CHECKLIST[c])).toEqual([]);
  });
});

describe('committed screenshots', () => {
  it('are one per page, language and width: no two files hold the same image', () => {
    const dir = join(__dirname, 'screenshots');
    const byHash = new Map<string, string[]>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.jpg'))) {
      const hash = createHash('sha256')
        .update(readFileSync(join(dir, name)))
        .digest('hex');
      byHash.set(hash, [...(byHash.get(hash) ?? []), name]);
    }
    expect(byHash.size).toBeGreaterThan(40);
    expect([...byHash.values()].filter((names) => names.length > 1)).toEqual([]);
  });
});

describe("the API's refusals at forms", () => {
  it('are said in Chinese, with any day written the reader’s way in both languages', () => {
    expect(apiMessage('must be today (2026-11-30) or earlier', 'en')).toBe('must be today (30 Nov 2026) or earlier');
    expect(apiMessage('must be today (2026-11-30) or earlier', 'zh')).toBe('不能晚于今天（2026年11月30日）');
    expect(apiMessage('visitOn: must be today (2026-11-30) or later', 'zh')).toBe('不能早于今天（2026年11月30日）');
    expect(apiMessage('data.reason: must not be empty', 'zh')).toBe('不能为空');
    expect(apiMessage('must be at most 200 characters', 'zh')).toBe('最多 200 个字符');
    expect(apiMessage('refund must be approved by someone other than the person who asked for it', 'zh')).toBe(
      '必须由申请人以外的人审批（四眼原则）',
    );
    expect(
      apiMessage(
        '"Pay out the approved refund of ¥250.00 and record it" must be done by someone other than the person who approved this refund (four eyes)',
        'zh',
      ),
    ).toBe('批准此退款的人不能同时登记其支付，须由他人办理（四眼原则）');
    expect(apiMessage('a re-audit may be requested from 2026-12-30 (30 days after the failed audit)', 'en')).toBe(
      'a re-audit may be requested from 30 Dec 2026 (30 days after the failed audit)',
    );
  });

  it('are said in Chinese by their kind and field when the message has no translation, with the server’s words kept', () => {
    expect(apiMessage('task was completed by someone else just now', 'zh')).toBe('该任务刚刚已由他人完成');
    expect(apiMessage('this task is for the finance role', 'zh')).toBe('您的角色无权执行此操作');
    expect(apiMessage('quote not found', 'zh')).toBe('找不到该记录');
    expect(apiMessage('Failed to fetch', 'zh')).toBe('无法连接服务器，请检查网络后重试');
    expect(apiMessage('the quote is archived', 'zh', 'conflict')).toBe(
      '当前状态不允许此操作（系统原文：the quote is archived）',
    );
    expect(apiMessage('data.quantity: 3 is more than the lot holds', 'zh', 'business_rule')).toBe(
      '「数量」不符合业务规则（系统原文：data.quantity: 3 is more than the lot holds）',
    );
    expect(apiMessage('something new', 'zh')).toBe('请求未被接受（系统原文：something new）');
    // The order rules' refusals at staff forms, with their amounts as money.
    expect(apiMessage('data.amountFen: the amount ¥500.00 exceeds the ¥300.00 outstanding', 'zh')).toBe(
      '金额 ¥500.00 超过未付余额 ¥300.00',
    );
    expect(
      apiMessage(
        'the refund USD 70.00 exceeds the USD 60.00 that can still be refunded (paid USD 60.00, refunded USD 0.00)',
        'zh',
      ),
    ).toBe('退款 USD 70.00 超过可退金额 USD 60.00（已付 USD 60.00，已退 USD 0.00）');
    expect(apiMessage('data.lines[2]: R7 is not on the quoted BOM', 'zh')).toBe('R7 不在报价的 BOM 中');
    expect(apiMessage('data.amountFen: must be the outstanding ¥1,500.00', 'zh')).toBe('必须等于未付金额 ¥1,500.00');
    // English readers get the server's words as they are.
    expect(apiMessage('the order is already cancelled', 'en', 'conflict')).toBe('the order is already cancelled');
  });
});

describe('audit actions in words', () => {
  /** Every action the code audits under a literal name (`action: 'customer.register'`), found in the sources. */
  function literalActions(): string[] {
    const found = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
          for (const m of readFileSync(path, 'utf8').matchAll(/action: '([a-z_]+(?:\.[a-z_-]+)+)'/g)) found.add(m[1]);
      }
    };
    for (const dir of ['activities', 'services', 'workflows', 'infra/db', 'infra/auth'])
      walk(join(__dirname, '..', '..', dir));
    return [...found].sort();
  }

  it('read in Chinese for every action the code audits by name, and dynamic ones by their parts', () => {
    const actions = [...literalActions(), 'qc.lot_passed', 'order.stage', 'order.refund_paid', 'rma.count-difference'];
    expect(actions.length).toBeGreaterThan(15);
    // Latin letters only as acronyms (API, RMA, IPQC, QC).
    expect(actions.filter((a) => /[a-z]/.test(actionWords(a, 'zh')))).toEqual([]);
  });

  it('keep acronyms in English and read as one sentence', () => {
    expect(actionWords('qc.lot_passed', 'en')).toBe('QC lot passed');
    expect(actionWords('rma.penalty.waive', 'en')).toBe('Penalty waived');
    expect(actionWords('order.refund_paid', 'zh')).toBe('订单退款已支付');
    expect(actionWords('task.assigned', 'zh')).toBe('任务已指派');
  });
});
