/**
 * A small organisation for command tests: a street office that raises requests, three city agencies
 * (the market regulator with a work group, the tax bureau without one, social security), a supervisor and an admin.
 */
export const smallOrg = {
  departments: [
    { code: "city", name: "临江市人民政府", aliases: ["市政府"] },
    { code: "street", name: "滨江街道办事处", aliases: ["滨江街道"], parent: "city" },
    { code: "amr", name: "市市场监督管理局", aliases: ["市场监管局", "市监局"], parent: "city", chatId: "oc_amr" },
    { code: "tax", name: "市税务局", aliases: ["税务局"], parent: "city" },
    { code: "hrss", name: "市人力资源和社会保障局", aliases: ["人社局"], parent: "city", chatId: "oc_hrss" },
    { code: "inspect", name: "市政府督查室", aliases: ["督查室"], parent: "city" },
  ],
  users: [
    { openId: "ou_member", name: "刘洋", department: "street", roles: ["member"] },
    { openId: "ou_member2", name: "陈静", department: "street", roles: ["member"] },
    { openId: "ou_streethead", name: "赵敏", department: "street", roles: ["head"] },
    { openId: "ou_streethead2", name: "钱磊", department: "street", roles: ["head"] },
    { openId: "ou_amrhead", name: "张伟", department: "amr", roles: ["head"] },
    { openId: "ou_amrdisp", name: "李娜", department: "amr", roles: ["dispatcher"] },
    { openId: "ou_amrhandler", name: "王芳", department: "amr", roles: ["handler"] },
    { openId: "ou_amrhandler2", name: "孙强", department: "amr", roles: ["handler"] },
    { openId: "ou_taxhead", name: "周杰", department: "tax", roles: ["head"] },
    { openId: "ou_taxdisp", name: "吴敏", department: "tax", roles: ["dispatcher", "handler"] },
    { openId: "ou_hrsshead", name: "郑华", department: "hrss", roles: ["head"] },
    { openId: "ou_hrssdisp", name: "冯丽", department: "hrss", roles: ["dispatcher", "handler"] },
    { openId: "ou_sup", name: "何督查", department: "inspect", roles: ["supervisor"] },
    { openId: "ou_admin", name: "管理员老马", department: "inspect", roles: ["admin"] },
  ],
  rules: [
    { code: "licence", name: "证照核查", priority: 10, match: { keywordsAny: ["营业执照", "证照"] }, action: { targets: ["amr"], slaWorkingDays: 3 } },
    {
      code: "closure",
      name: "企业注销联办",
      priority: 5,
      match: { keywordsAll: ["企业", "注销"] },
      action: { targets: ["amr", "tax", "hrss"], lead: "amr", slaWorkingDays: 10, outboundApproval: true, completionReview: true },
    },
    { code: "tax-proof", name: "纳税证明", priority: 20, match: { keywordsAny: ["纳税证明", "欠税"] }, action: { targets: ["tax"], outboundApproval: true } },
  ],
  holidays: [],
};
