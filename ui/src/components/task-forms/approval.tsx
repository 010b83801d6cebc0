/** Approve / reject with an optional comment (any kind whose data is only a comment). */
import { useState } from 'react';
import { useApp } from '../../context';
import { Field } from '../common';
import { TaskFormFrame, useCompletion, type FormProps } from './completion';

export function ApprovalForm({ task, kind, onDone }: FormProps) {
  const { t } = useApp();
  const [comment, setComment] = useState('');
  const c = useCompletion(task, ['comment'], onDone);
  return (
    <TaskFormFrame
      task={task}
      kind={kind}
      completion={c}
      build={() => (comment.trim() ? { comment: comment.trim() } : {})}
    >
      <Field label={t('comment')} error={c.fieldErrors.comment}>
        {(p) => (
          <textarea {...p} value={comment} maxLength={2000} onChange={(e) => setComment(e.target.value)} rows={3} />
        )}
      </Field>
    </TaskFormFrame>
  );
}
