/**
 * The one error class for an answer we give on purpose: a stable
 * machine-readable `code` (the JSON `error` member), a readable description
 * (`error_description`) and the HTTP status, 400 unless said otherwise.
 * Layers with their own vocabulary subclass it (siwe/siwe-error.ts).
 */
export class Problem<Code extends string = string> extends Error {
  readonly code: Code;
  readonly status: number;
  /**
   * Where the person goes from here, when the refusal ended the sign-in (e.g. back to the
   * application with `error=access_denied`): the JSON answer carries it, the error page links to it.
   */
  redirectTo?: string;

  constructor(code: Code, description: string, status = 400) {
    super(description);
    this.name = 'Problem';
    this.code = code;
    this.status = status;
  }
}
