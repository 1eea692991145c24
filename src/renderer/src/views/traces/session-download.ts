// Saving a text file from the page (an exported trace session): a Blob behind a temporary link.
export function downloadText(fileName: string, text: string, type = 'application/x-ndjson'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // the download has taken the data by the next task
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** `juggler-trace-2024-05-01T12-30-00.ndjson` */
export function sessionFileName(now = new Date()): string {
  return `juggler-trace-${now.toISOString().slice(0, 19).replace(/:/g, '-')}.ndjson`;
}
