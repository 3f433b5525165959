/** Browser code's reading of the API's refusals: {"message": ...} with a status. */

/** A refused request's message, as the API words it. */
export async function readProblem(response: Response): Promise<string> {
	const body = (await response.json().catch(() => ({}))) as { message?: string };
	return `${response.status}: ${body.message ?? response.statusText}`;
}
