// Downloads of exactly the page shown: CSV is the service's own representation of the very
// request the page drew (same values, limit and offset); JSON is the page the service answered,
// as received; XLSX is written here from the rows as the table orders them, with
// write-excel-file loaded from /vendor on first use.

import { plainText } from "./format.js";

const XLSX_SCRIPT = "/vendor/write-excel-file/bundle/write-excel-file.min.js";
let loading = null;

function library() {
  if (window.writeXlsxFile) return Promise.resolve(window.writeXlsxFile);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = XLSX_SCRIPT;
      script.onload = () => (window.writeXlsxFile ? resolve(window.writeXlsxFile) : reject(new Error("write-excel-file did not load")));
      script.onerror = () => { loading = null; reject(new Error("write-excel-file is not installed (run make)")); };
      document.head.append(script);
    });
  }
  return loading;
}

let jsonUrl = null;

export function setLinks(url, data, fileStem) {
  const csv = document.getElementById("download-csv");
  const json = document.getElementById("download-json");
  csv.href = `${url}&format=csv`;
  csv.download = `${fileStem}.csv`;
  if (jsonUrl) URL.revokeObjectURL(jsonUrl);
  jsonUrl = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  json.href = jsonUrl;
  json.download = `${fileStem}.json`;
}

export async function saveXlsx(columns, rows, fileStem) {
  const write = await library();
  const header = columns.map((c) => ({ value: c, fontWeight: "bold" }));
  const body = rows.map((row) => columns.map((c) => {
    const value = row[c];
    if (typeof value === "number") return { value };
    const text = plainText(value);
    return text === "" ? null : { value: text, type: String };
  }));
  await write([header, ...body]).toFile(`${fileStem}.xlsx`);
}
