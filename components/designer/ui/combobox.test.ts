import { describe, expect, it } from "vitest";
import { COLUMN_TYPES } from "@/lib/design";
import { exactOption, rankOptions } from "./combobox";

describe("rankOptions", () => {
  it("puts the exact match first: typing text picks text, not text[]", () => {
    expect(rankOptions(COLUMN_TYPES, "text")[0]).toBe("text");
    expect(rankOptions(COLUMN_TYPES, "text")).toContain("text[]");
    expect(rankOptions(COLUMN_TYPES, "TEXT ")[0]).toBe("text");
    expect(rankOptions(COLUMN_TYPES, "timestamp")[0]).toBe("timestamp");
  });

  it("lists prefixes before options that only contain the text", () => {
    expect(rankOptions(["bigint", "integer", "integer[]"], "int")).toEqual(["integer", "integer[]", "bigint"]);
    expect(rankOptions(COLUMN_TYPES, "text[")).toEqual(["text[]"]);
  });

  it("shows every option for an empty query and none for an unknown one", () => {
    expect(rankOptions(COLUMN_TYPES, "")).toEqual([...COLUMN_TYPES]);
    expect(rankOptions(COLUMN_TYPES, "zzz")).toEqual([]);
  });
});

describe("exactOption", () => {
  it("finds only the option named exactly", () => {
    expect(exactOption(COLUMN_TYPES, " Boolean")).toBe("boolean");
    expect(exactOption(COLUMN_TYPES, "bool")).toBeUndefined();
  });
});
