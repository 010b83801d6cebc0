/**
 * The form of a task, chosen by its kind: approvals, the engineer's price review, the contract, kitting,
 * inspection results, payments, the RMA responsibility decision, and a form built from the kind's JSON Schema
 * for everything else. Every form completes the task through `POST /api/tasks/:id/complete`.
 */
import type { ReactNode } from 'react';
import type { TaskKind } from '../../api';
import type { TaskKindName } from '../../../../domain/tasks/kind-names';
import type { JsonSchema } from '../../lib/schema-form';
import { ApprovalForm } from './approval';
import { ContractForm } from './contract';
import { GenericTaskForm } from './generic';
import { InspectionForm } from './inspection';
import { KittingForm } from './kitting';
import { PaymentForm } from './payment';
import { PriceReviewForm } from './price-review';
import { ResponsibilityForm } from './responsibility';
import type { FormProps } from './completion';

/** True when a kind's data is at most an optional comment: an approval. */
function isApprovalLike(kind: TaskKind): boolean {
  const props = Object.keys((kind.dataSchema as JsonSchema).properties ?? {});
  return props.every((p) => p === 'comment') && kind.decisions.length <= 3;
}

const FORMS: { [K in TaskKindName]?: (props: FormProps) => ReactNode } = {
  'quote.engineering-review': PriceReviewForm,
  'order.contract-signature': ContractForm,
  'order.contract-approval': ContractForm,
  'order.kitting': KittingForm,
  'order.inspection': InspectionForm,
  'order.payment': PaymentForm,
  'rma.site-visit': ResponsibilityForm,
};

/** The form for a task's kind. */
export function TaskForm(props: FormProps): ReactNode {
  const Form = FORMS[props.kind.kind as TaskKindName];
  if (Form) return <Form {...props} />;
  if (isApprovalLike(props.kind)) return <ApprovalForm {...props} />;
  return <GenericTaskForm {...props} />;
}
