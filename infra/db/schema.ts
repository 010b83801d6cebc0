import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OrderStage } from '../../domain/order/contract';
import type { ContractStatus } from '../../domain/order/contract-payments';
import type { ShipmentStatus } from '../../domain/order/shipment';
import type { RmaShipmentStatus } from '../../domain/rma/contract';

/**
 * Table types of the whole domain. Conventions: ids are uuids made by the database; money is integer fen
 * (`*_fen`, bigint read back as number); dates without time are 'YYYY-MM-DD' strings; json columns are written
 * as JSON text (see `json()` in ./json) and read back parsed.
 */

/** A timestamp column the database fills on insert. */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;
type Id = Generated<string>;

export interface CustomersTable {
  id: Id;
  code: string;
  name: string;
  status: Generated<'pending' | 'approved' | 'rejected'>;
  payment_terms: Generated<'prepay' | 'monthly'>;
  /** Monthly settlement needs a manager's approval before it applies. */
  payment_terms_approved_by: string | null;
  credit_limit_fen: Generated<number>;
  currency: string;
  is_key_customer: Generated<boolean>;
  address: string | null;
  workflow_id: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface CustomerContactsTable {
  id: Id;
  customer_id: string;
  name: string;
  email: string;
  phone: string | null;
  position: string | null;
  is_primary: Generated<boolean>;
  created_at: CreatedAt;
}

export interface FactoryAuditsTable {
  id: Id;
  customer_id: string;
  workflow_id: string | null;
  scheduled_on: string | null;
  visited_on: string | null;
  result: 'pass' | 'conditional' | 'fail' | null;
  auditor_names: string | null;
  notes: string | null;
  recorded_by: string | null;
  created_at: CreatedAt;
}

export interface CorrectiveActionsTable {
  id: Id;
  audit_id: string;
  description: string;
  due_on: string;
  status: Generated<'open' | 'done' | 'overdue'>;
  closed_at: Date | null;
  closed_by: string | null;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Id;
  email: string;
  display_name: string;
  password_hash: string;
  role: string;
  /** Set for customer users: the customer whose records they may see. */
  customer_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: Id;
  user_id: string;
  /** HMAC of the bearer token; the token itself is never stored. */
  token_hash: string;
  kind: 'session' | 'api_token';
  name: string | null;
  expires_at: Timestamp | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Why it ended early: logout, revoked by its owner or an admin, role changed, user deactivated. */
  revoked_reason: string | null;
  created_at: CreatedAt;
}

export interface QuotesTable {
  id: Id;
  reference: string;
  customer_id: string;
  workflow_id: string | null;
  status: string;
  current_revision: Generated<number>;
  quantity: number;
  options: JsonDefault<Record<string, unknown>>;
  currency: string;
  valid_until: Timestamp | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface QuoteRevisionsTable {
  id: Id;
  quote_id: string;
  revision: number;
  quantity: number;
  options: JsonDefault<Record<string, unknown>>;
  price_breakdown: Json<Record<string, unknown>> | null;
  total_fen: number | null;
  auto_quote_allowed: boolean | null;
  note: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface QuoteFilesTable {
  id: Id;
  quote_id: string;
  revision: number;
  kind: 'gerber' | 'bom' | 'cpl' | 'other';
  filename: string;
  /** sha256 of the content, hex; the same upload twice is recognised by it. */
  content_hash: string;
  size_bytes: number;
  storage_path: string;
  created_at: CreatedAt;
}

export interface QuoteAnalysesTable {
  id: Id;
  quote_id: string;
  revision: number;
  kind: string;
  result: Json<Record<string, unknown>>;
  dfm_errors: Generated<number>;
  dfm_warnings: Generated<number>;
  created_at: CreatedAt;
}

export interface OrdersTable {
  id: Id;
  reference: string;
  quote_id: string | null;
  customer_id: string;
  workflow_id: string | null;
  status: OrderStage;
  quantity: number;
  total_fen: number;
  currency: string;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface ContractsTable {
  id: Id;
  order_id: string;
  status: Generated<ContractStatus>;
  document_path: string | null;
  signed_by_customer: string | null;
  signed_at: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  deposit_required_fen: Generated<number>;
  deposit_paid_at: Date | null;
  created_at: CreatedAt;
}

export interface ProductionOrdersTable {
  id: Id;
  order_id: string;
  status: string;
  quantity: number;
  produced_quantity: Generated<number>;
  line_slot: string | null;
  materials_ready_at: Date | null;
  stencil_ready_at: Date | null;
  program_ready_at: Date | null;
  reflow_profile_ready_at: Date | null;
  samples_approved_at: Date | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface LotsTable {
  id: Id;
  production_order_id: string;
  lot_number: string;
  quantity: number;
  status: string;
  packed_at: Date | null;
  created_at: CreatedAt;
}

export interface InspectionsTable {
  id: Id;
  lot_id: string;
  kind: 'aoi' | 'xray' | 'functional' | 'visual';
  /** Re-inspections after rework count up from 1. */
  round: number;
  inspected_count: number;
  passed_count: number;
  failed_count: number;
  inspected_by: string | null;
  created_at: CreatedAt;
}

export interface DefectsTable {
  id: Id;
  inspection_id: string;
  unit_serial: string | null;
  designator: string | null;
  defect_code: string;
  description: string | null;
  created_at: CreatedAt;
}

export interface ReworkRecordsTable {
  id: Id;
  lot_id: string;
  defect_id: string | null;
  unit_serial: string | null;
  attempt: number;
  result: 'pass' | 'fail' | 'scrap';
  performed_by: string | null;
  created_at: CreatedAt;
}

export interface InvoicesTable {
  id: Id;
  number: string;
  customer_id: string;
  order_id: string | null;
  rma_case_id: string | null;
  kind: 'deposit' | 'balance' | 'repair' | 'statement';
  amount_fen: number;
  currency: string;
  status: Generated<'open' | 'paid' | 'void'>;
  due_on: string | null;
  issued_at: Generated<Date>;
  paid_at: Date | null;
}

export interface PaymentsTable {
  id: Id;
  invoice_id: string;
  amount_fen: number;
  currency: string;
  reference: string | null;
  received_on: string;
  confirmed_by: string | null;
  idempotency_key: string;
  created_at: CreatedAt;
}

export interface StatementsTable {
  id: Id;
  customer_id: string;
  period_start: string;
  period_end: string;
  total_fen: number;
  currency: string;
  status: Generated<'open' | 'settled'>;
  created_at: CreatedAt;
}

export interface ShipmentsTable {
  id: Id;
  order_id: string | null;
  rma_case_id: string | null;
  status: ShipmentStatus | RmaShipmentStatus;
  carrier: string | null;
  tracking_number: string | null;
  released_by: string | null;
  released_at: Date | null;
  picked_up_at: Date | null;
  delivered_at: Date | null;
  created_at: CreatedAt;
}

export interface RmaCasesTable {
  id: Id;
  reference: string;
  customer_id: string;
  workflow_id: string | null;
  status: string;
  urgent: Generated<boolean>;
  complaint: string;
  product_model: string | null;
  part_number: string | null;
  quantity: number;
  sale_date: string | null;
  production_date: string | null;
  outsourced: Generated<boolean>;
  key_product: Generated<boolean>;
  order_id: string | null;
  /** What the customer claimed at opening (dates, urgency, key product) before staff confirmed. */
  claimed: JsonDefault<Record<string, unknown>>;
  dates_confirmed_by: string | null;
  dates_confirmed_at: Date | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface RmaUnitsTable {
  id: Id;
  rma_case_id: string;
  serial: string | null;
  part_number: string | null;
  model: string | null;
  label: JsonDefault<Record<string, unknown>>;
  received_at: Date | null;
  classification: Generated<'pending' | 'good' | 'scrap'>;
  warranty: 'in_warranty' | 'out_of_warranty' | null;
  created_at: CreatedAt;
}

export interface RmaResponsibilityDecisionsTable {
  id: Id;
  rma_case_id: string;
  responsible: 'customer' | 'factory' | 'shared';
  dispatch_form: JsonDefault<Record<string, unknown>>;
  signed_by_customer: string | null;
  signed_by_factory: string | null;
  decided_by: string | null;
  decided_at: Generated<Date>;
}

export interface RmaMaterialRequestsTable {
  id: Id;
  rma_case_id: string;
  material_kind: string;
  repair_quantity: number;
  spare_quantity: number;
  status: Generated<'requested' | 'arrived' | 'cancelled'>;
  requested_at: Generated<Date>;
  arrived_at: Date | null;
}

export interface RmaRepairRecordsTable {
  id: Id;
  rma_case_id: string;
  unit_id: string | null;
  team: 'after_sales' | 'production_line';
  action: string;
  result: 'repaired' | 'scrapped' | 'pending';
  performed_by: string | null;
  created_at: CreatedAt;
}

export interface PenaltyLedgerTable {
  id: Id;
  rma_case_id: string | null;
  responsible_party: string;
  days_late: number;
  amount_fen: number;
  currency: string;
  reason: string;
  idempotency_key: string;
  /** late_report: the 24 h report's 50 CNY per day; violation: 50 CNY per procedure violation (doubled if serious). */
  kind: Generated<'late_report' | 'violation'>;
  serious: Generated<boolean>;
  task_id: string | null;
  waived_by: string | null;
  waived_at: Date | null;
  waiver_reason: string | null;
  created_at: CreatedAt;
}

/** A difference between goods, paperwork and quantity (seed 002, 5.3.1), recorded and told to sales. */
export interface RmaCountDifferencesTable {
  id: Id;
  rma_case_id: string;
  step: string;
  field: string;
  expected: number;
  actual: number;
  note: string;
  idempotency_key: string;
  created_at: CreatedAt;
}

/** The seed's other procedures as records of a case (kinds and their data: domain/rma/records.ts). */
export interface RmaRecordsTable {
  id: Id;
  rma_case_id: string;
  kind: string;
  data: JsonDefault<Record<string, unknown>>;
  amount_fen: number | null;
  recorded_by: string | null;
  idempotency_key: string;
  created_at: CreatedAt;
}

export interface TasksTable {
  id: Id;
  workflow_id: string;
  /** Names the wait inside its workflow; (workflow_id, step) is the idempotency key. */
  step: string;
  kind: string;
  title: string;
  role: string;
  case_type: string;
  case_id: string;
  customer_id: string | null;
  status: Generated<'open' | 'completed' | 'cancelled'>;
  payload: JsonDefault<Record<string, unknown>>;
  due_at: Timestamp | null;
  remind_at: Timestamp | null;
  escalate_at: Timestamp | null;
  reminded_at: Date | null;
  escalated_at: Date | null;
  decision: string | null;
  data: Json<Record<string, unknown>> | null;
  completed_by: string | null;
  completed_at: Date | null;
  created_at: CreatedAt;
  /** Who claimed the task or was assigned it (one person of its role); null while anyone of the role may take it. */
  assignee_id: Generated<string | null>;
  assigned_at: Generated<Date | null>;
  /** Kept on the task when it opens so the inbox sorts and searches the tasks table alone. */
  case_reference: Generated<string | null>;
  customer_name: Generated<string | null>;
  /** What is outstanding on a payment, else the order's or the quote's total when the task opened. */
  amount_fen: Generated<number | null>;
  /** Title, case reference and customer name lower-cased, kept by the database (`generated always`): the inbox search. */
  search_text: Generated<string>;
}

export interface OutboxTable {
  id: Id;
  idempotency_key: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  template: string | null;
  status: Generated<'pending' | 'sent'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  sent_at: Date | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  at: CreatedAt;
}

export interface CaughtMailTable {
  id: Id;
  message_id: string | null;
  from_address: string | null;
  to_addresses: string;
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  raw: string;
  received_at: CreatedAt;
}

/** The database as kysely sees it. */
export interface Database {
  customers: CustomersTable;
  customer_contacts: CustomerContactsTable;
  factory_audits: FactoryAuditsTable;
  corrective_actions: CorrectiveActionsTable;
  users: UsersTable;
  sessions: SessionsTable;
  quotes: QuotesTable;
  quote_revisions: QuoteRevisionsTable;
  quote_files: QuoteFilesTable;
  quote_analyses: QuoteAnalysesTable;
  orders: OrdersTable;
  contracts: ContractsTable;
  production_orders: ProductionOrdersTable;
  lots: LotsTable;
  inspections: InspectionsTable;
  defects: DefectsTable;
  rework_records: ReworkRecordsTable;
  invoices: InvoicesTable;
  payments: PaymentsTable;
  statements: StatementsTable;
  shipments: ShipmentsTable;
  rma_cases: RmaCasesTable;
  rma_units: RmaUnitsTable;
  rma_responsibility_decisions: RmaResponsibilityDecisionsTable;
  rma_material_requests: RmaMaterialRequestsTable;
  rma_repair_records: RmaRepairRecordsTable;
  penalty_ledger: PenaltyLedgerTable;
  rma_count_differences: RmaCountDifferencesTable;
  rma_records: RmaRecordsTable;
  tasks: TasksTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  caught_mail: CaughtMailTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomer = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type UserRow = Selectable<UsersTable>;
export type TaskRow = Selectable<TasksTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type QuoteRow = Selectable<QuotesTable>;
export type OrderRow = Selectable<OrdersTable>;
export type RmaCaseRow = Selectable<RmaCasesTable>;
