/**
 * Lists the floor picks from instead of typing: SMT defect codes (the codes QA writes on the rework ticket) and
 * the carriers the warehouse books. The API takes any code / carrier text; these lists keep the records uniform.
 */
import type { Words } from './codes';

/** Defect codes of SMT assembly inspection (AOI, X-ray, functional, visual). */
export const DEFECT_CODES: Record<string, Words> = {
  BRIDGE: { en: 'Solder bridge', zh: '连锡' },
  OPEN: { en: 'Open joint', zh: '开路 / 空焊' },
  INSUFFICIENT: { en: 'Insufficient solder', zh: '少锡' },
  EXCESS: { en: 'Excess solder', zh: '多锡' },
  COLD: { en: 'Cold joint', zh: '冷焊' },
  TOMBSTONE: { en: 'Tombstone', zh: '立碑' },
  MISSING: { en: 'Missing part', zh: '缺件' },
  SHIFT: { en: 'Shifted part', zh: '偏移' },
  POLARITY: { en: 'Wrong polarity', zh: '极性反' },
  WRONG_PART: { en: 'Wrong part', zh: '错件' },
  DAMAGED: { en: 'Damaged part', zh: '元件损坏' },
  VOID: { en: 'Voids (X-ray)', zh: '空洞（X 光）' },
  SOLDER_BALL: { en: 'Solder balls', zh: '锡珠' },
  LIFTED_LEAD: { en: 'Lifted lead', zh: '翘脚' },
  FUNCTION: { en: 'Fails the functional test', zh: '功能测试不良' },
  OTHER: { en: 'Other', zh: '其他' },
};

/** Carriers the warehouse books (the name goes on the shipment as written here in English). */
export const CARRIERS: Record<string, Words> = {
  'SF Express': { en: 'SF Express', zh: '顺丰速运' },
  'JD Logistics': { en: 'JD Logistics', zh: '京东物流' },
  EMS: { en: 'EMS', zh: '中国邮政 EMS' },
  'ZTO Express': { en: 'ZTO Express', zh: '中通快递' },
  'YTO Express': { en: 'YTO Express', zh: '圆通速递' },
  'Deppon Logistics': { en: 'Deppon Logistics', zh: '德邦物流' },
  DHL: { en: 'DHL', zh: 'DHL 国际快递' },
  FedEx: { en: 'FedEx', zh: 'FedEx 联邦快递' },
  UPS: { en: 'UPS', zh: 'UPS 国际快递' },
  'Customer pick-up': { en: 'Customer pick-up', zh: '客户自提' },
};
