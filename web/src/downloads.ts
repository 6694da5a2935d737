/** Saving a task's renditions: fetched with the API key (a plain link could not carry it), then saved as a file. */
import { apiFetch } from './api.js';

/** The renditions offered for download, with the file extension each is saved under. */
export const DOWNLOADS: ReadonlyArray<{ format: string; label: string; extension: string }> = [
  { format: 'text', label: 'Text', extension: 'txt' },
  { format: 'hocr', label: 'hOCR', extension: 'hocr.html' },
  { format: 'tsv', label: 'TSV', extension: 'tsv' },
  { format: 'pdf', label: 'PDF', extension: 'pdf' },
];

/** Fetches `GET /result/{id}?format=` and hands it to the browser as a download named after the uploaded file. */
export async function downloadRendition(taskId: string, format: string, fileName: string): Promise<void> {
  const response = await apiFetch(`/result/${encodeURIComponent(taskId)}?format=${encodeURIComponent(format)}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The browser reads the blob after the click returns: free it once the download surely has it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
