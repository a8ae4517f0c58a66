/** Errors the emulator answers with, in Dataverse's JSON shape: `{"error":{"code","message"}}`. */
import { DvCode, type DataverseErrorBody } from '../wire/index.js';

export class DataverseHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseHttpError';
  }

  toBody(): DataverseErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const badRequest = (message: string, code: string = DvCode.InvalidArgument): DataverseHttpError =>
  new DataverseHttpError(400, code, message);

export const notFound = (message: string, code: string = DvCode.RecordNotFound): DataverseHttpError =>
  new DataverseHttpError(404, code, message);

export const forbidden = (message: string, code: string = DvCode.PrivilegeDenied): DataverseHttpError =>
  new DataverseHttpError(403, code, message);
