/**
 * The example configuration file of the issue that asked for configuration files (one of each part: a
 * repository, a namespace with an exclusion, featured series, an event and an alert with a webhook
 * from the environment), shared by the parser's unit tests and the plan-and-apply tests. `milestone`
 * varies the alert to plan a change.
 */
export function exampleConfigFile(milestone = 100_000): string {
	return `targets:
  - ref: github:moby/moby
  - ref: dockerhub:library
    exclude: [library/hello-world]
featured: [github:moby/moby:stars, dockerhub:library/nginx:pulls]
events:
  - {date: 2015-06-22, label: DockerCon 2015, target: github:moby/moby}
alerts:
  - name: moby passes 100k stars
    scope: github:moby/moby:stars
    condition: {kind: milestone, value: ${milestone}}
    channels: {webhooks: [{url: "\${SLACK_WEBHOOK_URL}", format: slack}]}
`;
}
