import { z } from 'zod';
import type { FileOutput } from '../trpc/file';
import { StreamedAnswer, attachment } from './stream';

/** `?format=json|csv` of the paths that also answer CSV (CONTRACT §8 "Export"); other parameters are left alone. */
export const FormatQuery = z.object({ format: z.enum(['json', 'csv']).optional() });

/** A procedure's file as the REST answer that streams it, named for download. */
export function fileAnswer(file: FileOutput): StreamedAnswer {
  return new StreamedAnswer(file.body, { 'content-type': file.contentType, 'content-disposition': attachment(file.fileName) });
}
