module.exports = (output) => output.includes("3");
