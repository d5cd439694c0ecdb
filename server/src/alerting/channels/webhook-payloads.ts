/**
 * The body a webhook receives, by format:
 * - `json`: Marquee's own shape: { event, idempotencyKey, title, text, alarm, screen, site, at }
 * - `slack`: an incoming-webhook message: { text, blocks: [header, section, context] }
 * - `teams`: a Workflows / Power Automate message with one Adaptive Card (the format Teams
 *   takes since Office 365 connectors were retired): { type: 'message', attachments: [card] }
 */
import type { WebhookFormat } from '../../../../protocol';
import type { AlertMessage } from '../message';

export function webhookBody(format: WebhookFormat, m: AlertMessage): unknown {
  const where = m.screen
    ? `${m.screen.name} (${m.screen.id})`
    : m.site
      ? `site ${m.site}`
      : m.alarm.screenId;
  const facts = `${m.alarm.severity} · ${m.alarm.kind}${m.alarm.code ? ` ${m.alarm.code}` : ''} · ${where}`;
  switch (format) {
    case 'json':
      return {
        event: `alarm.${m.event}`,
        idempotencyKey: m.key,
        title: m.title,
        text: m.body,
        alarm: m.alarm,
        screen: m.screen,
        site: m.site,
        at: m.at,
      };
    case 'slack':
      return {
        text: `${m.title} — ${m.body}`,
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: m.body.slice(0, 3000) } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
        ],
      };
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  size: 'Medium',
                  weight: 'Bolder',
                  text: m.title,
                  wrap: true,
                  color:
                    m.event === 'cleared'
                      ? 'Good'
                      : m.alarm.severity === 'critical'
                        ? 'Attention'
                        : 'Warning',
                },
                { type: 'TextBlock', text: m.body, wrap: true },
                { type: 'TextBlock', text: facts, isSubtle: true, spacing: 'Small', wrap: true },
              ],
            },
          },
        ],
      };
  }
}
