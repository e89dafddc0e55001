/** An HTTP error with a stable machine-readable code and a readable description. */
export class Problem extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, description: string) {
    super(description);
    this.name = 'Problem';
    this.status = status;
    this.code = code;
  }
}
