// The reminder's words: a default text per language with the steps to enrol (editable by the admin), and the
// message each recipient gets (a manager's ends with the list of reports without a photo: shared/remind.ts). The menu path in the
// Feishu app is as Feishu's help describes it; its exact labels vary by client version [U] (docs/feishu-api.md §3.11).
import type { ReportLanguage } from '../../../shared/coverage';
import type { RemindTo } from '../../../shared/remind';

// The renderer's preview shows the same text, so the one function lives in shared/.
export { messageFor } from '../../../shared/remind';

const DEFAULTS: Record<ReportLanguage, Record<RemindTo, string>> = {
  'zh-CN': {
    employees:
      '您好！您还没有在飞书考勤中录入人脸照片，人脸打卡可能无法使用。\n请在飞书 App 中打开「工作台 → 考勤 → 设置 → 人脸录入」，按提示完成录入。谢谢！',
    managers:
      '您好！以下直属成员还没有在飞书考勤中录入人脸照片，人脸打卡可能无法使用。\n请提醒他们在飞书 App 中打开「工作台 → 考勤 → 设置 → 人脸录入」，按提示完成录入。谢谢！',
  },
  'en-US': {
    employees:
      'Hello! You have not enrolled a face photo for Feishu Attendance yet, so face check-in may not work for you.\nIn the Feishu app, open Workplace → Attendance → Settings → Face enrolment and follow the steps. Thank you!',
    managers:
      'Hello! The members of your team below have not enrolled a face photo for Feishu Attendance yet, so face check-in may not work for them.\nPlease ask them to open Workplace → Attendance → Settings → Face enrolment in the Feishu app and follow the steps. Thank you!',
  },
};

export function defaultRemindText(lang: ReportLanguage, to: RemindTo): string {
  return DEFAULTS[lang][to];
}
