/** gRPC errors as a Temporal server sends them: a status code, a message, and typed details in grpc-status-details-bin. */
import { Metadata, status as Status } from '@grpc/grpc-js';
import { encode } from './proto';

export { Status };

/** An error the gRPC layer turns into a status with Temporal error details. */
export class RpcError extends Error {
  constructor(
    readonly code: Status,
    message: string,
    readonly detail?: { type: string; value: object },
  ) {
    super(message);
  }

  /** The metadata carrying google.rpc.Status with the detail as an Any. */
  metadata(): Metadata {
    const md = new Metadata();
    if (this.detail) {
      const typeName = `temporal.api.errordetails.v1.${this.detail.type}`;
      const status = encode('google.rpc.Status', {
        code: this.code,
        message: this.message,
        details: [{ type_url: `type.googleapis.com/${typeName}`, value: encode(typeName, this.detail.value) }],
      });
      md.set('grpc-status-details-bin', Buffer.from(status));
    }
    return md;
  }
}

export const notFound = (message: string) =>
  new RpcError(Status.NOT_FOUND, message, { type: 'NotFoundFailure', value: {} });
export const invalidArgument = (message: string) => new RpcError(Status.INVALID_ARGUMENT, message);
export const alreadyExists = (message: string, startRequestId: string, runId: string) =>
  new RpcError(Status.ALREADY_EXISTS, message, {
    type: 'WorkflowExecutionAlreadyStartedFailure',
    value: { startRequestId, runId },
  });
export const namespaceNotFound = (namespace: string) =>
  new RpcError(Status.NOT_FOUND, `Namespace ${namespace} is not found.`, {
    type: 'NamespaceNotFoundFailure',
    value: { namespace },
  });
export const workflowNotReady = (message: string) =>
  new RpcError(Status.FAILED_PRECONDITION, message, { type: 'WorkflowNotReadyFailure', value: {} });
export const queryFailed = (message: string, failure?: object | null) =>
  new RpcError(Status.INVALID_ARGUMENT, message, {
    type: 'QueryFailedFailure',
    value: { failure: failure ?? undefined },
  });
export const unimplemented = (method: string) =>
  new RpcError(Status.UNIMPLEMENTED, `${method} is not implemented by the embedded Temporal server`);
export const completedAlready = () => notFound('workflow execution already completed');
